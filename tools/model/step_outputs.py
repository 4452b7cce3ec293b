"""Adds `step.N.key` / `step.N.value` outputs to an exported model: each layer's keys and values
for the positions this pass fed, before they are joined to the past.

`present.N.*` (the whole cache, past included) stays, for transformers.js and the Optimum
layout. A runtime that keeps the cache itself fetches `step.*` instead: onnxruntime-web copies
every fetched output out of its heap into a new array on each pass, so fetching the whole cache
makes a pass's cost grow with the cache's length (bench/log.md, lesson 2's cached growth).

Each `present.N.*` is the output of a Concat over [past, new]; `step.N.*` is an Identity of `new`.

Usage: python3 step_outputs.py model.onnx [model_quantized.onnx ...]   (rewrites each in place)
"""

from __future__ import annotations

import sys

import onnx
from onnx import helper


def add_step_outputs(path: str) -> None:
    m = onnx.load(path)
    g = m.graph
    producer = {out: node for node in g.node for out in node.output}
    existing = {o.name for o in g.output}
    for present in [o for o in g.output if o.name.startswith("present.")]:
        name = "step." + present.name[len("present."):]
        if name in existing:
            continue
        concat = producer[present.name]
        if concat.op_type != "Concat" or len(concat.input) != 2:
            raise SystemExit(f"{path}: {present.name} is not a Concat of [past, new]")
        g.node.append(helper.make_node("Identity", [concat.input[1]], [name], name=f"{name}_identity"))
        out = onnx.ValueInfoProto()
        out.CopyFrom(present)
        out.name = name
        # Same element type and rank as present; its sequence axis is this pass's length.
        out.type.tensor_type.shape.dim[2].dim_param = "sequence_length"
        g.output.append(out)
    onnx.checker.check_model(m)
    onnx.save(m, path)


if __name__ == "__main__":
    for p in sys.argv[1:]:
        add_step_outputs(p)
