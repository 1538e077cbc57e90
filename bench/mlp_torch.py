# The PyTorch peer of bench/mlp_step.cpp: mlp.py's model (784 -> 500 tanh -> 10 softmax, NLL plus the
# L1 term times 0.00 and the L2 term times 0.0001, as the tutorial computes them), batch 20, SGD lr 0.01.
# Prints torch_mlp_step_ms (median of 200 steps), torch_mlp_epoch_s (median of 5 epochs of 2,500
# train steps) and torch_mlp_peak_rss_mb.
import torch

from torch_util import median_time, peak_rss_mb, sgd_step, use_bench_threads

use_bench_threads()
torch.manual_seed(1)
batch_size, n_train, n_hidden, lr, L1_reg, L2_reg = 20, 50000, 500, 0.01, 0.00, 0.0001
n_batches = n_train // batch_size
train_x = torch.rand(n_train, 784)
train_y = torch.randint(0, 10, (n_train,))

bound = (6.0 / (784 + n_hidden)) ** 0.5
W1 = ((torch.rand(784, n_hidden) * 2 - 1) * bound).requires_grad_()
b1 = torch.zeros(n_hidden, requires_grad=True)
W2 = torch.zeros(n_hidden, 10, requires_grad=True)
b2 = torch.zeros(10, requires_grad=True)
params = [W1, b1, W2, b2]


def train_model(i):
    x = train_x[i * batch_size:(i + 1) * batch_size]
    y = train_y[i * batch_size:(i + 1) * batch_size]
    p = torch.softmax(torch.tanh(x @ W1 + b1) @ W2 + b2, dim=1)
    nll = -torch.log(p)[torch.arange(y.shape[0]), y].mean()
    L1 = W1.abs().sum() + W2.abs().sum()
    L2_sqr = (W1 ** 2).sum() + (W2 ** 2).sum()
    cost = nll + L1_reg * L1 + L2_reg * L2_sqr
    cost.backward()
    sgd_step(params, lr)
    return cost.item()


calls = [0]


def one_step():
    train_model(calls[0] % n_batches)
    calls[0] += 1


def one_epoch():
    for i in range(n_batches):
        train_model(i)


print("torch_mlp_step_ms=%.6g" % (median_time(200, one_step) * 1e3))
print("torch_mlp_epoch_s=%.6g" % median_time(5, one_epoch))
print("torch_mlp_peak_rss_mb=%.6g" % (peak_rss_mb()))
