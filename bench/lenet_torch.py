# The PyTorch peer of bench/lenet_step.cpp: LeNet5 as in convolutional_mlp.py (conv 5x5 -> max-pool
# 2x2 -> +b -> tanh, twice; tanh hidden layer of 500; softmax; NLL), batch 500, SGD lr 0.1.
# Prints torch_lenet_step_ms (median of 15 steps) and torch_lenet_epoch_s (median of 5 epochs of
# 100 train steps + 20 validation batches) and torch_lenet_peak_rss_mb.
import torch
import torch.nn.functional as F

from torch_util import median_time, peak_rss_mb, sgd_step, use_bench_threads

use_bench_threads()
torch.manual_seed(1)
batch_size, n_train, n_valid, lr = 500, 50000, 10000, 0.1
train_x = torch.rand(n_train, 784)
train_y = torch.randint(0, 10, (n_train,))
valid_x = torch.rand(n_valid, 784)
valid_y = torch.randint(0, 10, (n_valid,))


def uniform(shape, bound):
    return ((torch.rand(*shape) * 2 - 1) * bound).requires_grad_()


W0 = uniform((20, 1, 5, 5), 0.2)
b0 = torch.zeros(20, requires_grad=True)
W1 = uniform((50, 20, 5, 5), 0.0859)
b1 = torch.zeros(50, requires_grad=True)
W2 = uniform((800, 500), 0.0679)
b2 = torch.zeros(500, requires_grad=True)
W3 = torch.zeros(500, 10, requires_grad=True)
b3 = torch.zeros(10, requires_grad=True)
params = [W3, b3, W2, b2, W1, b1, W0, b0]


def forward(x):
    h = x.reshape(batch_size, 1, 28, 28)
    h = torch.tanh(F.max_pool2d(F.conv2d(h, W0), 2) + b0.view(1, -1, 1, 1))
    h = torch.tanh(F.max_pool2d(F.conv2d(h, W1), 2) + b1.view(1, -1, 1, 1))
    h = torch.tanh(h.flatten(1) @ W2 + b2)
    return torch.softmax(h @ W3 + b3, dim=1)


def train_model(i):
    x = train_x[i * batch_size:(i + 1) * batch_size]
    y = train_y[i * batch_size:(i + 1) * batch_size]
    p = forward(x)
    cost = -torch.log(p)[torch.arange(y.shape[0]), y].mean()
    cost.backward()
    sgd_step(params, lr)
    return cost.item()


def validate_model(i):
    with torch.no_grad():
        p = forward(valid_x[i * batch_size:(i + 1) * batch_size])
        return (p.argmax(1) != valid_y[i * batch_size:(i + 1) * batch_size]).double().mean().item()


calls = [0]


def one_step():
    train_model(calls[0] % (n_train // batch_size))
    calls[0] += 1


def one_epoch():
    for i in range(n_train // batch_size):
        train_model(i)
    for i in range(n_valid // batch_size):
        validate_model(i)


print("torch_lenet_step_ms=%.6g" % (median_time(15, one_step) * 1e3))
print("torch_lenet_epoch_s=%.6g" % median_time(5, one_epoch))
print("torch_lenet_peak_rss_mb=%.6g" % (peak_rss_mb()))
