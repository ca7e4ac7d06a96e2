"""The bundled model file as an ONNX graph, built with numpy and onnx only (no
torch), so the peer benchmark can run anywhere the app runs.

Usage: python to_onnx.py MODEL.safetensors OUT.onnx
Input "input": float32 NHWC [1, H, W, 3], already preprocessed (preprocess.py).
Output "probabilities": [1, classes].
"""
from __future__ import annotations

import json
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from mobilenet_v2_layout import blocks  # not mobilenet_v2, which imports torch


def read_safetensors(path: str) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = raw[8 + n:]
    tensors = {}
    for name, t in header.items():
        assert t["dtype"] == "F32", name
        lo, hi = t["data_offsets"]
        tensors[name] = np.frombuffer(data[lo:hi], np.float32).reshape(t["shape"])
    return tensors, meta


def build(tensors: dict[str, np.ndarray], meta: dict[str, str]) -> onnx.ModelProto:
    h, w = int(meta["input_height"]), int(meta["input_width"])
    classes = len(meta["labels"].split(","))
    nodes, inits = [], []

    def weight(name, array):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def conv(x, name, stride=1, depthwise=False, relu6=True):
        wt = tensors[f"{name}.weight"]
        wt = wt.transpose(3, 0, 1, 2) if depthwise else wt.transpose(0, 3, 1, 2)  # → OIHW
        k = wt.shape[-1]
        out = f"{name}.out"
        nodes.append(helper.make_node("Conv", [x, weight(f"{name}.w", wt), weight(f"{name}.b", tensors[f"{name}.bias"])],
                                      [out], kernel_shape=[k, k], strides=[stride, stride],
                                      pads=[(k - 1) // 2] * 4, group=wt.shape[0] if depthwise else 1))
        if not relu6:
            return out
        nodes.append(helper.make_node("Clip", [out, weight(f"{name}.lo", np.array(0, np.float32)),
                                               weight(f"{name}.hi", np.array(6, np.float32))], [f"{name}.relu6"]))
        return f"{name}.relu6"

    nodes.append(helper.make_node("Transpose", ["input"], ["nchw"], perm=[0, 3, 1, 2]))
    x = conv("nchw", "stem", stride=2)
    for n, (cin, cout, stride, expand) in enumerate(blocks(), start=1):
        y = conv(x, f"blocks.{n}.expand") if expand != 1 else x
        y = conv(y, f"blocks.{n}.depthwise", stride=stride, depthwise=True)
        y = conv(y, f"blocks.{n}.project", relu6=False)
        if stride == 1 and cin == cout:
            nodes.append(helper.make_node("Add", [x, y], [f"blocks.{n}.sum"]))
            y = f"blocks.{n}.sum"
        x = y
    x = conv(x, "head")
    nodes.append(helper.make_node("GlobalAveragePool", [x], ["pooled"]))
    nodes.append(helper.make_node("Flatten", ["pooled"], ["flat"]))
    nodes.append(helper.make_node("Gemm", ["flat", weight("classifier.w", tensors["classifier.weight"]),
                                           weight("classifier.b", tensors["classifier.bias"])], ["logits"], transB=1))
    nodes.append(helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1))
    graph = helper.make_graph(nodes, "hematovision-mobilenetv2",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, h, w, 3])],
                              [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, classes])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="hematovision")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    tensors, meta = read_safetensors(sys.argv[1])
    onnx.save(build(tensors, meta), sys.argv[2])
    print(f"wrote {sys.argv[2]}")


if __name__ == "__main__":
    main()
