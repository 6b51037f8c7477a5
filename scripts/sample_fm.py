"""Prior samples' feature statistics matched to the photos' in the discriminator stage (measured in `05_train`, not adopted).
Resumes the `fader` run in WORK_DIR (a checkpoint from before its discriminator stage) with `SampleFM(W)` added:
`python scripts/sample_fm.py RUN 0.5`, then `facecvae-evaluate --model RUN --work WORK_DIR`."""
import sys, torch, torch.nn.functional as F
from fastai.callback.core import Callback
from facecvae.train import unwrap, needs_disc, frozen, fit_latent_prior, train_cvae

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
    work, w = sys.argv[1], float(sys.argv[2])
    train_cvae(work, resume=True, sample_w=0., cbs=[SampleFM(w)], command=f'sample_fm.py {work} {w}')
