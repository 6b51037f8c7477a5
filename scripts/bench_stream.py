"""Data that streams: one epoch of the C-VAE's training DataLoader over a synthetic cache of 100,000 images at 128 px
(4.9 GB), with the peak resident memory and images/second of loading, beside the training step's images/second.

Builds the cache (random pixels, the real file formats) under --dir, measures in a fresh process: one epoch with the
file in the OS's cache (warm) and one after asking the OS to drop it (cold, as on a first epoch), then a few training
steps on the same data; deletes the cache unless --keep. Prints the CPU capability beside every speed figure.
"""
import os, sys, csv, time, json, shutil, argparse, resource, subprocess
from pathlib import Path
import numpy as np

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument('--n', type=int, default=100_000, help='images in the synthetic cache')
p.add_argument('--size', type=int, default=128)
p.add_argument('--bs', type=int, default=64)
p.add_argument('--dir', default='/tmp', help='where the synthetic working folder is made (and deleted)')
p.add_argument('--train_batches', type=int, default=12, help='timed training steps for the comparison')
p.add_argument('--keep', action='store_true', help='keep the synthetic cache')
p.add_argument('--work', help='measure this folder (a synthetic cache kept with --keep) instead of making one')
p.add_argument('--measure', help=argparse.SUPPRESS)   # internal: the folder to measure, in a fresh process
a = p.parse_args()

def status()->dict:
    "This process's resident memory now, in MB: all, anonymous (its own), file-backed (mapped pages of files)."
    f = {l.split(':')[0]: int(l.split()[1]) / 1024 for l in open('/proc/self/status') if l.startswith(('VmRSS', 'RssAnon', 'RssFile'))}
    return dict(rss=f.get('VmRSS', 0.), anon=f.get('RssAnon', 0.), file=f.get('RssFile', 0.))

def make_cache(w:Path, n:int, size:int, chunk:int=1000):
    "A working folder with a random `faces_{size}.npy` of `n` images, its index and condition CSVs, written a chunk at a time."
    from facecvae.preprocess import cache_paths, COND_NAMES
    w.mkdir(parents=True); npy, idx, _ = cache_paths(w, size); rng = np.random.default_rng(0)
    with open(npy, 'wb') as f:
        np.lib.format.write_array_header_1_0(f, dict(descr='|u1', fortran_order=False, shape=(n, size, size, 3)))
        for i in range(0, n, chunk): f.write(rng.integers(0, 256, (min(chunk, n - i), size, size, 3), dtype=np.uint8).tobytes())
    names = [f'resized_images/first_dataset/{i}.jpg' for i in range(n)]
    with open(idx, 'w', newline='') as f:
        wr = csv.writer(f); wr.writerow(['image_path', 'dataset', 'gender', 'position', 'source'])
        wr.writerows((q, 'first_dataset', '', i, q) for i, q in enumerate(names))
    c = rng.random((n, 5)); g = rng.random(n)
    with open(w/'condition_data.csv', 'w', newline='') as f:
        wr = csv.writer(f); wr.writerow(['image_path', *COND_NAMES])
        wr.writerows((q, f'{x:.4f}', f'{1-x:.4f}', *(f'{v:.4f}' for v in r)) for q, x, r in zip(names, g, c))
    return npy

def measure(w:Path):
    "In this (fresh) process: a warm and a cold epoch of the training DataLoader, then training steps; prints one line each."
    import torch
    from fastai.callback.core import Callback, CancelFitException
    from facecvae.train import cvae_dls, cvae_learner
    from facecvae.preprocess import cache_paths
    from facecvae.device import cpu_capability, compute_precision
    cap, npy = cpu_capability(), cache_paths(w, a.size)[0]
    print(f'CPU: {cap}; threads: {torch.get_num_threads()}; cache {npy.stat().st_size / 2**30:.2f} GiB ({a.n} images at {a.size} px)', flush=True)
    t = time.time(); dls = cvae_dls(w, a.size, a.bs, device='cpu'); t_open = time.time() - t
    print(f'DataLoaders ready in {t_open:.1f}s (index and conditions read, images not); RSS {status()["rss"]:.0f} MB', flush=True)
    def epoch(what:str):
        peak, n, t = status(), 0, time.time()
        for i, (x, c, y) in enumerate(dls.train):
            n += len(x)
            if i % 50 == 0: s = status(); peak = {k: max(peak[k], s[k]) for k in s}
        dt = time.time() - t; s = status(); peak = {k: max(peak[k], s[k]) for k in s}
        print(f'{what} epoch: {n} images in {dt:.1f}s = {n / dt:.0f} img/s loading (bs {a.bs}, float, flipped; CPU {cap}); '
              f'RSS peak sampled {peak["rss"]:.0f} MB (own {peak["anon"]:.0f} MB, mapped file pages {peak["file"]:.0f} MB)', flush=True)
    epoch('warm (file in the OS cache)')
    import mmap; dls.train.dataset.ts[0].arr._mmap.madvise(mmap.MADV_DONTNEED)   # let go of every mapped page, then
    fd = os.open(npy, os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)   # the OS drops the file's pages
    epoch('cold (file dropped from the OS cache)')
    print(f'peak RSS of loading (getrusage, start-up and imports included): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB', flush=True)
    learn = cvae_learner(dls, a.size, sharp='grad')
    next(c for c in learn.cbs if type(c).__name__ == 'Autocast').verbose = False
    class Timer(Callback):
        def before_batch(self):
            if self.iter == 2: self.t = time.perf_counter()
        def after_batch(self):
            if self.iter == a.train_batches + 1: self.rate = a.bs * a.train_batches / (time.perf_counter() - self.t); raise CancelFitException()
    tm = Timer()
    with learn.no_bar(), learn.no_logging(): learn.fit(1, 1e-3, cbs=tm)
    print(f'training step: {tm.rate:.0f} img/s ({a.train_batches} steps of {a.bs} at {a.size} px, {compute_precision("cpu")}, '
          f'sharpness term on from the 2nd epoch, as the default schedule; CPU {cap})', flush=True)
    print(f'peak RSS with the training steps (their activations at {a.size} px, batch {a.bs}): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB', flush=True)

if a.measure: measure(Path(a.measure)); sys.exit()
w = Path(a.work or Path(a.dir)/f'facecvae_stream_{os.getpid()}')
try:
    if not a.work:
        t = time.time(); npy = make_cache(w, a.n, a.size)
        print(f'synthetic cache: {npy} ({npy.stat().st_size / 2**30:.2f} GiB) written in {time.time() - t:.0f}s', flush=True)
    subprocess.run([sys.executable, __file__, '--measure', str(w), '--n', str(a.n), '--size', str(a.size), '--bs', str(a.bs),
                    '--train_batches', str(a.train_batches)], check=True)
finally:
    if not (a.keep or a.work): shutil.rmtree(w, ignore_errors=True); print(f'deleted {w}')
