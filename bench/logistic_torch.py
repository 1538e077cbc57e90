# The PyTorch peer of bench/logistic_step.cpp: the same model, data shape, batch and update rule.
# Prints torch_logistic_step_ms=... (median of 7 epochs of 83 steps after one warm-up epoch).
import os
import statistics
import time

import torch

from torch_util import sgd_step, use_bench_threads

use_bench_threads()
batch_size, n_train, lr = 600, 50000, 0.13
n_batches = n_train // batch_size
g = torch.Generator().manual_seed(1234)
data_x = torch.rand(n_train, 784, generator=g)
data_y = torch.randint(0, 10, (n_train,), generator=g)
W = torch.zeros(784, 10, requires_grad=True)
b = torch.zeros(10, requires_grad=True)


def train_model(i):
    x = data_x[i * batch_size:(i + 1) * batch_size]
    y = data_y[i * batch_size:(i + 1) * batch_size]
    p_y_given_x = torch.softmax(x @ W + b, dim=1)
    cost = -torch.log(p_y_given_x)[torch.arange(y.shape[0]), y].mean()
    cost.backward()
    sgd_step([W, b], lr)
    return cost.item()


def epoch():
    for i in range(n_batches):
        train_model(i)


epoch()
times = []
for _ in range(7):
    t0 = time.perf_counter()
    epoch()
    times.append(time.perf_counter() - t0)
print("torch_logistic_step_ms=%.6g" % (statistics.median(times) * 1e3 / n_batches))
print("torch_logistic_epoch_ms=%.6g" % (statistics.median(times) * 1e3))
print("torch_threads=%d" % torch.get_num_threads())
