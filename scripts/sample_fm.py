"""Prior samples' feature statistics matched to the photos' in the discriminator stage (measured in `05_train`, not adopted).
`python scripts/sample_fm.py RUN W` resumes the `fader` run in RUN (a copy of its checkpoint from before the
discriminator stage, e.g. after epoch 36) with `SampleFM(W)` added; then `facecvae-evaluate --model RUN --work WORK_DIR`."""
import sys, torch, torch.nn.functional as F
from pathlib import Path
from fastai.callback.core import Callback
from facecvae.train import unwrap, needs_disc, frozen, fit_latent_prior, train_cvae, CHECKPOINT

def stat_loss(fs, fx):
    "L1 between per-channel means and standard deviations (over batch and positions) of two lists of feature maps."
    t = 0.
    for a, b in zip(fs, fx):
        a, b = a.float(), b.float()
        t = t + F.l1_loss(a.mean((0, 2, 3)), b.mean((0, 2, 3))) + F.l1_loss(a.std((0, 2, 3)), b.std((0, 2, 3)))
    return t / len(fs)

class SampleFM(Callback):
    "In the discriminator's epochs: decode prior samples with the batch's conditions and match their feature statistics to the photos'."
    order = 8
    def __init__(self, w=0.2, frac=0.5, k=10): self.w, self.frac, self.k, self.on = w, frac, k, False
    def before_epoch(self):
        self.on = self.loss_func.sharp_on and needs_disc(self.loss_func.sharp); self.tot, self.n = 0., 0
        if self.on: model = unwrap(self.model); fit_latent_prior(model, *self.dls.train.dataset.ts, k=self.k); model.train()
    def after_loss(self):
        if not self.on or not self.training: return
        x, c = self.xb; k = max(1, int(len(x) * self.frac)); dec = unwrap(self.model).decoder
        img = dec(dec.sample_z(k).to(x.device), c[:k]); d = self.loss_func.disc
        with frozen(d):
            with torch.no_grad(): fx = d.features(x)
            term = stat_loss(d.features(img), fx)
        self.tot += float(term.detach()); self.n += 1
        self.learn.loss_grad = self.loss_grad + self.w * term
    def after_epoch(self):
        if self.n: print(f'sample_fm epoch {self.epoch}: mean term {self.tot / self.n:.4f} over {self.n} batches', flush=True)

if __name__ == '__main__':
    if len(sys.argv) != 3: sys.exit('usage: python scripts/sample_fm.py RUN W  (RUN: a fader run folder with its checkpoint; W: the weight, e.g. 0.5)')
    work, w = sys.argv[1], float(sys.argv[2])
    if not (Path(work)/CHECKPOINT).exists(): sys.exit(f'{Path(work)/CHECKPOINT} does not exist: copy the checkpoint of a fader run from before its discriminator stage there')
    train_cvae(work, resume=True, sample_w=0., cbs=[SampleFM(w)], command=f'sample_fm.py {work} {w}')
