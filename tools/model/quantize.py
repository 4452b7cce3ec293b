"""Int8 weight-only quantization of an exported model.

Every 2-D float initializer (the projection matrices and the embeddings) is
stored as int8 with one fp32 scale per output channel, symmetric, and a
DequantizeLinear node restores it at run time. Activations, biases and layer
norms stay fp32, so the arithmetic is the fp32 graph's with rounded weights.
The file is about a quarter of the fp32 one.

No onnxruntime Python package exists on the build machine, hence this small
pass over the graph rather than onnxruntime.quantization.

Usage: python3 quantize.py model.onnx model_quantized.onnx
"""

from __future__ import annotations

import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


def channel_axis(name: str, consumers: list[onnx.NodeProto]) -> int:
    """MatMul weights are [in, out]: one scale per output column. Embedding
    tables feed Gather (and, tied, a Transpose): one scale per row (token)."""
    if all(n.op_type == "MatMul" for n in consumers):
        return 1
    return 0


def quantize(src: str, dst: str) -> None:
    m = onnx.load(src)
    g = m.graph
    consumers: dict[str, list[onnx.NodeProto]] = {}
    for node in g.node:
        for inp in node.input:
            consumers.setdefault(inp, []).append(node)

    new_inits, new_nodes = [], []
    for init in list(g.initializer):
        w = numpy_helper.to_array(init)
        if w.dtype != np.float32 or w.ndim != 2 or init.name not in consumers:
            continue
        axis = channel_axis(init.name, consumers[init.name])
        scale = np.abs(w).max(axis=1 - axis) / 127.0
        scale = np.where(scale == 0, 1.0, scale).astype(np.float32)
        shape = [1, -1] if axis == 1 else [-1, 1]
        q = np.clip(np.round(w / scale.reshape(shape)), -127, 127).astype(np.int8)
        g.initializer.remove(init)
        new_inits += [numpy_helper.from_array(q, init.name + "_int8"),
                      numpy_helper.from_array(scale, init.name + "_scale")]
        new_nodes.append(helper.make_node("DequantizeLinear", [init.name + "_int8", init.name + "_scale"],
                                          [init.name], axis=axis, name=init.name + "_dequantize"))
    g.initializer.extend(new_inits)
    for node in reversed(new_nodes):
        g.node.insert(0, node)
    onnx.checker.check_model(m)
    onnx.save(m, dst)


if __name__ == "__main__":
    quantize(sys.argv[1], sys.argv[2])
