"""nn.Module system: registration, traversal, state_dict, modes, hooks, containers."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd_core import Tensor


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.scale = nn.Parameter(np.ones(4, dtype=np.float32))
        self.act = nn.ReLU()
        self.not_a_param = Tensor([1.0, 2.0])  # plain tensors are not parameters

    def forward(self, x):
        return self.act(self.fc(x)) * self.scale


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.block = Block()
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        return self.head(self.block(x))


def test_parameter_is_a_tensor_requiring_grad():
    p = nn.Parameter([1.0, 2.0])
    assert isinstance(p, Tensor) and p.requires_grad and p.is_leaf
    assert not nn.Parameter([1.0], requires_grad=False).requires_grad
    assert "Parameter containing" in repr(p)
    y = p * 2  # ops on a Parameter give plain Tensors
    assert type(y) is Tensor
    with pytest.raises(TypeError, match="floating"):
        nn.Parameter(np.array([1, 2]))


def test_registration_and_dotted_names():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    # PyTorch's order: a module's own parameters, then its children's
    assert names == ["block.scale", "block.fc.weight", "block.fc.bias", "head.weight",
                     "head.bias"]
    assert [n for n, _ in net.named_modules()] == ["", "block", "block.fc", "block.act", "head"]
    assert [type(m).__name__ for m in net.children()] == ["Block", "Linear"]
    assert net.num_parameters() == 3 * 4 + 4 + 4 + 4 * 2 + 2


def test_shared_parameter_listed_once():
    net = Net()
    net.head2 = net.head
    assert len(list(net.parameters())) == 5


def test_forgotten_super_init_is_a_clear_error():
    class Bad(nn.Module):
        def __init__(self) -> None:
            self.w = nn.Parameter([1.0])

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        Bad()

    class Bad2(nn.Module):
        def __init__(self) -> None:
            self.fc = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        Bad2()


def test_reassign_and_delete():
    net = Net()
    with pytest.raises(TypeError, match="Parameter"):
        net.block.scale = Tensor([1.0, 1, 1, 1])
    net.block.scale = nn.Parameter(np.zeros(4, dtype=np.float32))
    assert np.all(dict(net.named_parameters())["block.scale"].data == 0)
    del net.head
    assert not any(n.startswith("head") for n, _ in net.named_parameters())


def test_state_dict_round_trip_and_copies():
    a, b = Net(), Net()
    sd = a.state_dict()
    assert list(sd) == [n for n, _ in a.named_parameters()]
    sd["head.bias"][...] = 123.0  # a copy: the model must not change
    assert not np.any(a.head.bias.data == 123.0)
    b.load_state_dict(a.state_dict())
    x = np.random.default_rng(0).standard_normal((5, 3))
    np.testing.assert_array_equal(a(x).data, b(x).data)


def test_load_state_dict_errors_name_the_keys():
    net = Net()
    sd = net.state_dict()
    del sd["head.bias"]
    sd["extra.weight"] = np.zeros(1)
    sd["block.fc.weight"] = np.zeros((9, 9))
    with pytest.raises(RuntimeError) as e:
        net.load_state_dict(sd)
    msg = str(e.value)
    assert "head.bias" in msg and "extra.weight" in msg and "block.fc.weight" in msg
    assert "(9, 9)" in msg and "(4, 3)" in msg
    before = net.head.weight.data.copy()
    sd["block.fc.weight"] = np.zeros((4, 3))
    sd["head.weight"] = np.full((2, 4), 7.0)
    missing, unexpected = net.load_state_dict(sd, strict=False)
    assert missing == ["head.bias"] and unexpected == ["extra.weight"]
    assert np.all(net.head.weight.data == 7.0) and not np.all(before == 7.0)


def test_state_dict_includes_buffers():
    bn = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    assert {"1.running_mean", "1.running_var", "1.num_batches_tracked"} <= set(bn.state_dict())
    assert [n for n, _ in bn.named_parameters()] == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_train_eval_propagate():
    net = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5), nn.Sequential(nn.Dropout(0.1)))
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_zero_grad_apply_requires_grad_and_to():
    net = Net()
    net(np.ones((2, 3))).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "ReLU", "Block", "Linear", "Net"]
    net.requires_grad_(False)
    assert net.num_parameters(trainable_only=True) == 0
    net.double()
    assert all(p.dtype == np.float64 for p in net.parameters())


def test_forward_hooks_receive_module_inputs_output_and_remove():
    net = Net()
    calls = []
    h = net.block.register_forward_hook(lambda m, inp, out: calls.append((m, inp, out)))
    x = Tensor(np.ones((2, 3)))
    y = net(x)
    assert len(calls) == 1
    m, inp, out = calls[0]
    assert m is net.block and inp[0] is x and out.shape == (2, 4)
    h.remove()
    net(x)
    assert len(calls) == 1
    # a returned value replaces the output
    net.head.register_forward_hook(lambda m, i, o: o * 0)
    assert np.all(net(x).data == 0) and not np.all(y.data == 0)


def test_forward_pre_hook():
    lin = nn.Linear(2, 2)
    seen = []
    with lin.register_forward_pre_hook(lambda m, inp: seen.append(inp)):
        lin(np.ones(2))
    lin(np.ones(2))
    assert len(seen) == 1


def test_repr_nested():
    text = repr(Net())
    assert text.splitlines()[0] == "Net("
    assert "  (block): Block(" in text
    assert "    (fc): Linear(in_features=3, out_features=4, bias=True)" in text
    assert "  (head): Linear(in_features=4, out_features=2, bias=True)" in text


def test_sequential_indexing_iteration_len():
    seq = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    assert len(seq) == 3 and isinstance(seq[1], nn.Tanh) and isinstance(seq[-1], nn.Linear)
    assert [type(m).__name__ for m in seq] == ["Linear", "Tanh", "Linear"]
    sub = seq[:2]
    assert isinstance(sub, nn.Sequential) and len(sub) == 2
    x = np.ones((4, 2), dtype=np.float32)
    np.testing.assert_allclose(seq(x).data, seq[2](seq[1](seq[0](x))).data)
    with pytest.raises(IndexError, match="out of range"):
        seq[5]
    with pytest.raises(TypeError, match="not a Module"):
        nn.Sequential(nn.Linear(1, 1), np.tanh)


def test_module_list_registers():
    class Stack(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    s = Stack()
    assert len(s.layers) == 3 and len(list(s.parameters())) == 6
    assert "layers.2.bias" in dict(s.named_parameters())
    s.layers.append(nn.Linear(2, 2))
    del s.layers[0]
    assert [n for n, _ in s.layers.named_children()] == ["0", "1", "2"]
    assert s(np.ones((1, 2))).shape == (1, 2)


def test_missing_forward_is_clear():
    class NoForward(nn.Module):
        pass

    with pytest.raises(NotImplementedError, match="forward"):
        NoForward()(1)


def test_deepcopy_and_pickle_keep_registration():
    import copy
    import pickle

    net = Net()
    for clone in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        assert [n for n, _ in clone.named_parameters()] == [n for n, _ in net.named_parameters()]
        clone.head.weight.data[...] = 0.0
        assert np.any(net.head.weight.data != 0)
