"""What some tests need from the machine, said once: skipped on a laptop without it, failed in CI."""
import os

import pytest

from deploy.stack import nginx_path


def need_nginx():
    if nginx_path() is None:
        reason = "nginx is not installed (apt-get install nginx): the production stack cannot run"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
