"""Pin torch's CPU kernels to AVX2, before torch is imported, so the same commands give the same bits
on any x86-64 machine of this kind: on an AVX-512 machine torch otherwise picks other kernels (other
summation orders), and the same recipe gave another file (TEST-clean 0.740 instead of 0.759).
The thread count is pinned too (2, this machine's cores): oneDNN may split a reduction by thread, so a
machine with more cores could otherwise add in another order.
Every script that runs torch imports this module first."""
import os

for _key, _value in (("ATEN_CPU_CAPABILITY", "avx2"), ("ONEDNN_MAX_CPU_ISA", "AVX2"), ("MKL_CBWR", "AVX2"),
                     ("OMP_NUM_THREADS", "2"), ("MKL_NUM_THREADS", "2")):
    os.environ[_key] = _value

if "torch" in __import__("sys").modules:
    raise SystemExit("cpu_pin must be imported before torch (the kernels are chosen when torch loads)")
