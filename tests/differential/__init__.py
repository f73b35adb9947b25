"""The differential harness: random programs run by autograd_core and by PyTorch, compared.

- `ops.py`: the op catalogue (one drawing function per op of the README's op table, each
  rendering the same step for both libraries) and `indexing.py` the index expressions;
- `program.py`: the seeded generator of programs (DAGs of depth 1-8 that reuse intermediates);
- `compare.py`: runs a program in both libraries (forward values of every node, gradients via
  `backward()` and via `grad(create_graph=True)`, second order, float32 leaves) and compares;
- `nn_cases.py`, `optim_cases.py`: activations, layer functions, losses, optimizers, schedulers;
- `differences.py`: the documented deliberate differences, each with its README line;
- `fuzz.py`: `make fuzz N=... SEED=...`, which shrinks each mismatch to a runnable reproduction.

`tests/differential/test_differential.py` runs a bounded, seeded slice in `make test`.
"""
