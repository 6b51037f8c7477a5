"C-VAE training speed: fastai Learner against a plain torch loop on the same model, data and loss (images/second), in each precision asked for, on the GPU when there is one (--device), with the CPU capability or the GPU's name."
import argparse, time, torch, warnings
warnings.filterwarnings('ignore')
from pathlib import Path
from facecvae.train import cvae_dls, cvae_learner, make_tiny_work
from facecvae.preprocess import DEFAULT_SIZE
from facecvae.model import n_params
from facecvae.device import autocast_for, cpu_capability, as_device
from steptimer import StepTimer

p = argparse.ArgumentParser(description=__doc__)
p.add_argument('--work', help='working folder with cache + condition_data.csv (default: random data of the real shape)')
p.add_argument('--size', type=int, default=DEFAULT_SIZE)
p.add_argument('--bs', type=int, default=64)
p.add_argument('--batches', type=int, default=40, help='timed batches per run')
p.add_argument('--sharp', default='gan', help='sharpness term: gan, grad, fft or none')
p.add_argument('--precision', default='fp32,bf16', help='precisions to measure, comma-separated (fp32, bf16, fp16, auto)')
p.add_argument('--device', default=None, help='cpu or cuda (default: the GPU when there is one)')
a = p.parse_args()
import tempfile
work = Path(a.work) if a.work else make_tiny_work(Path(tempfile.mkdtemp()), n=a.bs * (a.batches + 10), size=a.size)
sharp = None if a.sharp == 'none' else a.sharp
n = a.bs * (a.batches + 5)
dev = as_device(a.device)
sync = torch.cuda.synchronize if dev.type == 'cuda' else (lambda: None)   # GPU work is asynchronous: time what has finished

def plain(prec):
    "The same model, loss, autocast and optimiser step, in a hand-written loop."
    torch.manual_seed(0)
    dls = cvae_dls(work, a.size, a.bs, limit=n, device=dev)
    learn = cvae_learner(dls, a.size, sharp=sharp, precision=prec); learn.create_opt()
    lf, model, opt = learn.loss_func, learn.model.train(), learn.opt
    lf.sharp_on = sharp is not None
    disc_opt = torch.optim.Adam(lf.disc.parameters(), 2e-4, betas=(0.5, 0.99)) if lf.disc is not None else None
    it = iter(dls.train)
    for i in range(a.batches + 2):
        if i == 2: sync(); t = time.perf_counter()
        x, c, y = next(it)
        with autocast_for(dev, prec): pred = model(x, c); loss = lf(tuple(o.float() for o in pred), y)
        loss.backward(); opt.step(); opt.zero_grad()
        if disc_opt is not None:
            disc_opt.zero_grad()
            with autocast_for(dev, prec):
                d = torch.relu(1 - lf.disc(y)).mean() + torch.relu(1 + lf.disc(pred[0].detach().float())).mean()
            d.float().backward(); disc_opt.step()
    sync(); return a.bs * a.batches / (time.perf_counter() - t), n_params(model)

def fastai(prec):
    "The Learner's own loop (fit, one epoch of the same batches, timed from the 3rd batch)."
    torch.manual_seed(0)
    dls = cvae_dls(work, a.size, a.bs, limit=n, device=dev)
    learn = cvae_learner(dls, a.size, sharp=sharp, precision=prec)
    next(c for c in learn.cbs if type(c).__name__ == 'Autocast').verbose = False
    learn.cbs = learn.cbs.filter(lambda c: type(c).__name__ != 'SharpnessFrom')
    learn.loss_func.sharp_on = sharp is not None   # on from the start, like the plain loop
    tm = StepTimer(a.batches, sync)
    with learn.no_bar(): learn.fit(1, 1e-3, cbs=tm)
    return a.bs * a.batches / tm.secs

print(f'CPU: {cpu_capability()}; threads: {torch.get_num_threads()}' + (f'; GPU: {torch.cuda.get_device_name(dev)}' if dev.type == 'cuda' else '') + f'; device {dev}', flush=True)
for i in range(2):   # twice, alternating, so neither run gets a warmer machine
    for prec in a.precision.split(','):
        p_rate, params = plain(prec); f_rate = fastai(prec)
        print(f'run {i+1}: {prec}, size {a.size}, bs {a.bs}, sharp {a.sharp}, {params/1e6:.2f} M params: plain loop {p_rate:.0f} img/s, '
              f'fastai {f_rate:.0f} img/s, ratio {f_rate/p_rate:.3f}', flush=True)
