"""Where the samples' FID comes from: the same decoder fed latents from other priors (measured in `05_train`, not adopted).
`python scripts/prior_gap.py WORK_DIR [MODEL] [OUT] [NAMES]` prints one JSON line per latent source: FID and KID × 1000 of
decodes of the held-out photos' conditions against those photos (as `facecvae-evaluate` measures samples), and `nn_ratio`,
the median distance of the latents to their nearest training latent ÷ that of the held-out photos' own latents (1: as
new as an unseen face; 0: a training face). NAMES (comma-separated, default all): bundled (the model's own prior),
gmm10, cgmm10 (a mixture of (latent, conditions), sampled given the conditions), flow (a RealNVP), kde0.3 … (a Parzen
window of bandwidth h × the latents' covariance around the training latents), means (training latents themselves),
own (training latents with their own conditions), heldout_own (reconstructions), heldout_shuffled (held-out latents
with another photo's conditions). A few minutes each on a 2-core CPU; needs the `eval` extra."""
import sys, json, time, numpy as np, torch, torch.nn as nn
from pathlib import Path
from sklearn.mixture import GaussianMixture
from facecvae.preprocess import COND_NAMES
from facecvae.model import load_cvae_part, decode
from facecvae.conditions import cvae_data, valid_idx
from facecvae.generate import load_decoder, find_model
from facecvae.evaluate import real_sets, inception_features, fid, kid, as_uint8_nhwc, encode_means

def mixture(z, k=10):
    "A full-covariance Gaussian mixture fitted as `fit_latent_prior` fits it, but with up to 300 EM steps (it takes 200)."
    g = GaussianMixture(k, covariance_type='full', reg_covar=1e-4, max_iter=300, random_state=0).fit(z.double().numpy())
    return (torch.from_numpy(a) for a in (g.means_, g.covariances_, g.weights_))

def mixture_sampler(z, k=10):
    "Sampler (conditions, generator) -> latents of a mixture fitted to `z`, blind to the conditions."
    M, S, W = mixture(z, k); L = torch.linalg.cholesky(S)
    def sample(c, g):
        comp = torch.multinomial(W, len(c), True, generator=g); eps = torch.randn(len(c), M.shape[1], generator=g).double()
        return (M[comp] + (L[comp] @ eps[..., None])[..., 0]).float()
    return sample

def conditional_sampler(z, c, k=10, scale=0.3):
    "A mixture fitted to (latent, conditions) jointly; each latent drawn from it given its requested conditions."
    ci = [i for i, n in enumerate(COND_NAMES) if n != 'female_prob']   # 1 - male_prob: leave it out
    M, S, W = mixture(torch.cat([z, c[:, ci] * scale], 1), k); d = z.shape[1]
    Sci = torch.linalg.inv(S[:, d:, d:]); K = S[:, :d, d:] @ Sci
    L = torch.linalg.cholesky(S[:, :d, :d] - K @ S[:, :d, d:].transpose(1, 2))
    def sample(cc, g):
        diff = cc[:, ci].double()[:, None] * scale - M[None, :, d:]
        logp = -0.5 * torch.einsum('nki,kij,nkj->nk', diff, Sci, diff) - 0.5 * torch.logdet(S[:, d:, d:]) + W.log()
        comp = torch.multinomial(torch.softmax(logp, 1).float(), 1, generator=g)[:, 0]; n = torch.arange(len(cc))
        eps = torch.randn(len(cc), d, generator=g).double()
        return (M[comp, :d] + (K[comp] @ diff[n, comp][..., None])[..., 0] + (L[comp] @ eps[..., None])[..., 0]).float()
    return sample

class Coupling(nn.Module):
    "An affine coupling layer: the unmasked half scaled and shifted by an MLP of the masked half."
    def __init__(self, mask, h=512):
        super().__init__(); d = len(mask); self.register_buffer('mask', mask)
        self.net = nn.Sequential(nn.Linear(d, h), nn.SiLU(), nn.Linear(h, h), nn.SiLU(), nn.Linear(h, 2 * d))
        nn.init.zeros_(self.net[-1].weight); nn.init.zeros_(self.net[-1].bias)
    def st(self, x):
        s, t = self.net(x * self.mask).chunk(2, 1); return torch.tanh(s) * 2 * (1 - self.mask), t * (1 - self.mask)
    def forward(self, x): s, t = self.st(x); return x * s.exp() + t, s.sum(1)
    def inverse(self, y): s, t = self.st(y); return (y - t) * (-s).exp()

def flow_sampler(z, hold=1500, layers=8, epochs=30, bs=256):
    "A RealNVP on whitened latents, kept at its best likelihood on `hold` latents it does not train on."
    m = z.mean(0); L = torch.linalg.cholesky(torch.cov((z - m).T) + 1e-4 * torch.eye(z.shape[1])); w = torch.linalg.solve_triangular(L, (z - m).T, upper=False).T
    masks = [(torch.randperm(z.shape[1], generator=torch.Generator().manual_seed(i)) < z.shape[1] // 2).float() for i in range(layers)]
    f = nn.ModuleList([Coupling(mk) for mk in masks]); opt = torch.optim.AdamW(f.parameters(), 1e-3, weight_decay=1e-5)
    def nll(x):
        ld = 0
        for l in f: x, s = l(x); ld = ld + s
        return (0.5 * (x ** 2).sum(1) - ld).mean() / x.shape[1]
    val, trn = w[:hold], w[hold:]; best = (float('inf'), None)
    for ep in range(epochs):
        for i in range(0, len(trn) - bs + 1, bs):
            loss = nll(trn[torch.randint(len(trn), (bs,))]); opt.zero_grad(); loss.backward(); opt.step()
        with torch.no_grad(): v = float(nll(val))
        if v < best[0]: best = (v, {k: t.clone() for k, t in f.state_dict().items()})
    f.load_state_dict(best[1]); print(f'flow: best held-out {best[0] + 0.919:.3f} nats a dimension (a Gaussian: {float(0.5 * (val ** 2).sum(1).mean() / w.shape[1]) + 0.919:.3f})', flush=True)
    @torch.no_grad()
    def sample(c, g):
        x = torch.randn(len(c), w.shape[1], generator=g)
        for l in reversed(f): x = l.inverse(x)
        return x @ L.T + m
    return sample

def main(work, model=None, out='prior_gap', names=None):
    work, out = Path(work), Path(out); out.mkdir(parents=True, exist_ok=True)
    dec, cfg = load_decoder(model, 'cpu'); enc = load_cvae_part(find_model(model, 'encoder'), 'encoder')[0]
    x, c, _ = cvae_data(work, cfg['size']); trn = np.setdiff1d(np.arange(len(x)), valid_idx(len(x)))
    mu = torch.cat([encode_means(enc, x[trn[i:i+512]].float() / 255, c[trn[i:i+512]]).float() for i in range(0, len(trn), 512)]); ct = c[trn]
    A, cA, _, what = real_sets(cfg, work, None, 2000, 0); fA = inception_features(A, cache=True)
    zA = encode_means(enc, A.permute(0, 3, 1, 2).float() / 255, cA).float()
    Li = torch.linalg.inv(torch.linalg.cholesky(torch.cov((mu - mu.mean(0)).T) + 1e-4 * torch.eye(mu.shape[1]))); W = (mu - mu.mean(0)) @ Li.T
    nn_dist = lambda z: float(torch.cat([torch.cdist(((z[i:i+256] - mu.mean(0)) @ Li.T), W).min(1).values for i in range(0, len(z), 256)]).median())
    dA = nn_dist(zA); print(f'{what}; held-out latents: median distance {dA:.2f} to the nearest training latent (whitened)', flush=True)
    pick = lambda g: torch.randint(len(mu), (len(cA),), generator=g)
    kde = lambda h: (lambda cc, g: (lambda i: mu[i] + h * torch.randn(len(cc), mu.shape[1], generator=g) @ torch.linalg.inv(Li).T)(pick(g)))
    sources = dict(bundled=lambda: (lambda cc, g: dec.sample_z(len(cc), g), None), gmm10=lambda: (mixture_sampler(mu), None),
                   cgmm10=lambda: (conditional_sampler(mu, ct), None), flow=lambda: (flow_sampler(mu), None),
                   **{f'kde{h}': (lambda h=h: (kde(h), None)) for h in (0.3, 0.5, 0.7, 1.0)},
                   means=lambda: (lambda cc, g: mu[pick(g)], None),
                   own=lambda: (lambda cc, g: mu[pick(torch.Generator().manual_seed(7))], ct[pick(torch.Generator().manual_seed(7))]),
                   heldout_own=lambda: (lambda cc, g: zA, None), heldout_shuffled=lambda: (lambda cc, g: zA, cA.roll(1, 0)))
    for name in names or sources:
        t = time.time(); sample, cc = sources[name](); cc = cA if cc is None else cc
        z = sample(cc, torch.Generator().manual_seed(1)); S = as_uint8_nhwc(decode(dec, z, cc)); f = inception_features(S)
        r = dict(source=name, fid=round(fid(f, fA), 2), kid=round(kid(f, fA)[0], 2), nn_ratio=round(nn_dist(z) / dA, 3), seconds=round(time.time() - t))
        print(json.dumps(r), flush=True)
        with open(out/'results.jsonl', 'a') as fh: fh.write(json.dumps(r) + '\n')

if __name__ == '__main__':
    a = sys.argv[1:]
    main(a[0], None if len(a) < 2 or a[1] == 'bundled' else a[1], a[2] if len(a) > 2 else 'prior_gap', a[3].split(',') if len(a) > 3 else None)
