"On a CUDA GPU, with no flag: batches through pinned memory, training in the GPU's precision, the latent prior, evaluation; several GPUs through accelerate."
import json, pytest, torch
from conftest import launch

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason='no CUDA GPU on this machine (torch.cuda.is_available() is False)')

def test_batches_arrive_on_the_gpu(tmp_path):
    from facecvae.train import make_tiny_work, cvae_dls
    from facecvae.device import to_dev
    t = to_dev(torch.arange(4)); assert t.device.type == 'cuda' and t.tolist() == [0, 1, 2, 3]
    dls = cvae_dls(make_tiny_work(tmp_path/'w', n=64, size=32), 32, bs=16)      # the default device: the GPU
    x, c, y = dls.train.one_batch()
    assert (x.device.type, c.device.type, x.dtype) == ('cuda', 'cuda', torch.float32)
    assert x.is_contiguous(memory_format=torch.channels_last) and float(x.max()) <= 1

def test_train_on_the_gpu(tmp_path):
    "The tiny schedule trains on the GPU in bf16 (or fp16 with a scaler where bf16 is not native), discriminator and sample term included."
    from facecvae.train import make_tiny_work, train_cvae
    from facecvae.model import load_cvae_part
    from facecvae.device import compute_precision
    w = make_tiny_work(tmp_path/'w', n=128, size=64)
    learn = train_cvae(w, epochs=2, size=64, bs=16, sharp='fm', sharp_from=0, disc='blur', sample_w=0.05)
    assert next(learn.model.parameters()).device.type == 'cuda'
    cfg = json.loads((w/'cvae_model.json').read_text()); assert cfg['precision'] == compute_precision('cuda') != 'fp32'
    dec, _ = load_cvae_part(w/'cvae_decoder_model.pth'); assert torch.isfinite(dec.z_chol).all()

def test_fit_latent_prior_on_the_gpu():
    from facecvae.model import CVAE, fit_latent_prior
    m = CVAE(32).cuda(); fit_latent_prior(m, (torch.rand(64, 3, 32, 32) * 255).byte(), torch.rand(64, 7))   # images on the CPU, model on the GPU
    assert m.decoder.z_chol.device.type == 'cuda' and torch.isfinite(m.decoder.z_chol).all()

def test_evaluate_decodes_on_the_gpu(tmp_path, faces):
    from facecvae.evaluate import evaluate
    from facecvae.preprocess import LAYOUT, list_images
    import shutil
    (tmp_path/'real').mkdir()
    for p in list_images(faces/LAYOUT['second_dataset_female'])[0][-12:]: shutil.copy(p, tmp_path/'real'/p.name)
    rep = evaluate(out=tmp_path/'ev', real=tmp_path/'real', n=6, n_control=8, progress=False)
    assert rep['n_fid'] == 6 and (tmp_path/'ev'/'report.md').exists()

@pytest.mark.skipif(torch.cuda.device_count() < 2, reason=f'needs 2 CUDA GPUs; this machine has {torch.cuda.device_count()}')
def test_two_gpus(tmp_path):
    from facecvae.train import make_tiny_work
    w = make_tiny_work(tmp_path/'w', n=256, size=32)
    r = launch(w, '--size', 32, '--epochs', 2, '--bs', 32, '--cond_w', 0, how='--multi_gpu')
    assert r.returncode == 0 and '(2 processes)' in r.stdout, (r.stdout, r.stderr)

def test_generate_on_the_gpu():
    "Generation and the sliders decode on the GPU by default, and draw the same faces as on the CPU."
    import numpy as np
    from facecvae.generate import load_decoder, generate, FaceSliders
    dec, _ = load_decoder(); assert next(dec.parameters()).device.type == 'cuda'
    cpu, _ = load_decoder(device='cpu')
    a, b = generate(dec, dict(gender=0), n=4, seed=1), generate(cpu, dict(gender=0), n=4, seed=1)
    assert np.abs(a.astype(int) - b).mean() < 2
    w = FaceSliders(dec); w.sliders['mouth'].value = 1.0; assert w.img.shape[-1] == 3
