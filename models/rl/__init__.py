"""Layer 3 of kubetrade: the offline-trained RL policy (issue 9 item 4). See README.md."""

import os

# One XLA thread: training is deterministic run to run, and the machine's 2 cores are shared
# (set before anything in the package imports JAX).
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
