"128 px end to end: preprocess → condition models → training (two processes) → generation, sliders, evaluation, all at 128 px."
import json, pytest
from conftest import run_cli, small_pipeline, launch

@pytest.fixture(scope='module')
def p128(faces, tmp_path_factory):
    "24 real photos per folder at 128 px through every step up to the conditions, then one epoch of the C-VAE in 2 processes."
    p = small_pipeline(faces, tmp_path_factory.mktemp('p128'), n=24, n_labels=24, size=128)
    r = launch(p['work'], '--size', 128, '--epochs', 1, '--bs', 16, '--cond_w', 0.01, '--cond_from', 0)   # the condition models at 128 px, under DDP, beside the recipe's terms
    assert r.returncode == 0, (r.stdout, r.stderr)
    return dict(p, train=r)

def test_artifacts_are_128px(p128):
    import numpy as np
    from facecvae.preprocess import load_cache
    w = p128['work']
    assert load_cache(w, 128)[0].shape == (72, 128, 128, 3) and p128['unchanged']
    for m in ('classify_male_or_female', 'regression_mouth', 'cvae_model'): assert json.loads((w/f'{m}.json').read_text())['size'] == 128, m
    cfg = json.loads((w/'cvae_model.json').read_text()); assert (cfg['processes'], cfg['cond_w']) == (2, 0.01)
    assert 'cond' in (w/'cvae_log.csv').read_text().splitlines()[0]

def test_generate_and_sliders_128(p128, tmp_path):
    from PIL import Image
    from facecvae.generate import load_decoder, FaceSliders
    r = run_cli('facecvae-generate', '--model', p128['work'], '--n', 2, '--out', tmp_path/'g')
    assert r.returncode == 0, r.stderr
    assert [Image.open(p).size for p in sorted((tmp_path/'g').glob('*.png'))] == [(128, 128)] * 2
    dec, cfg = load_decoder(p128['work'])
    s = FaceSliders(dec, defaults=cfg['cond_defaults'], size=128, save_dir=tmp_path)
    assert s.img.shape == (128, 128, 3)
    s.sliders['mouth'].value = 0.9; assert s.img.shape == (128, 128, 3)   # moving a slider draws a new 128 px face

def test_evaluate_128(p128, tmp_path):
    r = run_cli('facecvae-evaluate', '--model', p128['work'], '--work', p128['work'], '--n', 8, '--n_control', 8, '--out', tmp_path/'ev')
    assert r.returncode == 0, r.stderr
    rep = json.loads((tmp_path/'ev'/'report.json').read_text())
    assert rep['size'] == 128 and rep['n_fid'] >= 2 and (tmp_path/'ev'/'sheet.png').exists()
