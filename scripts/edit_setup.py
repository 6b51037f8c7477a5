"What scripts/edit_control.py and scripts/edit_fid.py share: the model, and held-out photos encoded as `encode_photo` encodes one."
import argparse, time, warnings, torch
warnings.filterwarnings('ignore')   # import chatter of fastai and mediapipe: these scripts print numbers
from facecvae.generate import find_model, used_conditions
from facecvae.model import load_cvae_part, refine_latent
from facecvae.evaluate import encode_means
from facecvae.device import precision_note

def arguments(doc:str, n:int, n_help:str)->argparse.ArgumentParser:
    "The arguments every edit script takes: the working folder, --model and --n."
    p = argparse.ArgumentParser(description=doc)
    p.add_argument('work', help='working folder with the cache and condition_data.csv (photos of its held-out split are used)')
    p.add_argument('--model', help='C-VAE folder or decoder file (default: the bundled model)')
    p.add_argument('--n', type=int, default=n, help=n_help)
    return p

def load_model(model=None)->tuple:
    "Encoder, decoder and config of the C-VAE in `model` (default: the bundled one)."
    dec, cfg = load_cvae_part(find_model(model, 'decoder'), 'decoder'); enc, _ = load_cvae_part(find_model(model, 'encoder'), 'encoder')
    return enc, dec, cfg

def encode_photos(enc, dec, cfg:dict, imgs:torch.Tensor, c:torch.Tensor, steps:int)->tuple:
    "The encoder's means, the refined latents and one `encode_photo` dict per photo of uint8 N x H x W x 3 `imgs`."
    x, t = imgs.permute(0, 3, 1, 2).float() / 255, time.time()
    with torch.no_grad(): mu = encode_means(enc, x, c)
    z = refine_latent(dec, x, c, mu, steps, beta=cfg.get('beta') or 0.05)
    print(f'refined {len(x)} latents ({steps} steps) in {time.time() - t:.0f} s, {precision_note("cpu")}', flush=True)
    return mu, z, [dict(img=imgs[j].numpy(), cond=c[j], z=z[j:j+1], conditions=used_conditions(c[j], None)) for j in range(len(x))]
