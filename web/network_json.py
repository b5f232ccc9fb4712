"""The network as /api/network sends it: layer sizes, weights, biases and activations for the neuron inspector."""
from __future__ import annotations

import base64

import numpy as np


def network_payload(network):
    """Layer sizes, weights and biases for the neuron inspector (weights as base64 float32), and each layer's
    activation ("sigmoid" or "relu": a ReLU's value can exceed 1, and the inspector plots that function)."""
    layers = []
    for w, b, activation in zip(network.weights, network.biases, network.activations):
        layers.append({
            "shape": list(w.shape),
            "weights": base64.b64encode(np.ascontiguousarray(w, dtype="<f4").tobytes()).decode("ascii"),
            "biases": np.round(b.astype(np.float64), 6).tolist(),
            "activation": activation,
        })
    meta = {k: network.meta.get(k) for k in ("test_accuracy", "epochs", "loss", "augmentation", "date", "recipe")}
    return {"sizes": list(network.sizes), "n_params": network.n_params, "layers": layers, "meta": meta}
