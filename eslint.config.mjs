// ESLint for the page's plain ES modules (static/js), run by .ci/run: `npm ci && npx eslint static/js`.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['.venv/**', 'node_modules/**', 'test-artifacts/**', 'runs/**'] },
  js.configs.recommended,
  {
    files: ['static/js/**/*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.browser } },
  },
  { files: ['static/js/network/worker.js'], languageOptions: { globals: { ...globals.worker } } },
];
