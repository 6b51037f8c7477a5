"The whole pipeline from the command line on a small copy of real data, and its bad inputs."
import csv, json, shutil, pytest
from conftest import run_cli, one_error_line, small_pipeline
from facecvae.attributes import ATTRS, label_file, write_labels


@pytest.fixture(scope='module')
def pipeline(faces, tmp_path_factory):
    "preprocess -> gender -> attributes -> conditions -> train, tiny and fast, on 30 real photos per folder."
    p = small_pipeline(faces, tmp_path_factory.mktemp('pipe'), n=30, n_labels=20)
    r = run_cli('facecvae-train', p['work'], '--size', 32, '--epochs', 2, '--bs', 16, '--cond_w', 0.01, '--cond_from', 1)   # the default recipe, plus the consistency term
    assert r.returncode == 0, (r.stdout, r.stderr)
    return dict(p, outs=[*p['outs'], r])

def test_pipeline_artifacts(pipeline):
    w = pipeline['work']
    assert pipeline['unchanged']                                   # the inputs were only read
    rows = list(csv.DictReader(open(w/'condition_data.csv')))
    assert len(rows) == 90 and list(rows[0]) == ['image_path', 'male_prob', 'female_prob', *ATTRS]
    head = open(w/'male_or_female_classify_result_for_all_images.csv').readline().strip()
    assert head == 'image_path,prob_male,prob_female'
    for f in ('cvae_model', 'cvae_encoder_model', 'cvae_decoder_model', 'classify_male_or_female', *(f'regression_{a}' for a in ATTRS)):
        assert (w/f'{f}.pth').exists() and (w/f'{f}.json').exists(), f
        assert json.loads((w/f'{f}.json').read_text())['precision'] in ('fp32', 'bf16'), f   # what each was trained in
    log = list(csv.DictReader(open(w/'cvae_log.csv'))); assert [r['epoch'] for r in log] == ['1', '2']
    assert float(log[0]['cond']) == 0 and float(log[1]['cond']) > 0
    cfg = json.loads((w/'cvae_model.json').read_text())
    from facecvae.train import RECIPES, DEFAULT_RECIPE
    assert cfg['recipe'] == DEFAULT_RECIPE and cfg['command'].startswith('facecvae-train ') and '--cond_w 0.01' in cfg['command']
    assert cfg['cond_w'] == 0.01 and all(cfg[k] == v for k, v in RECIPES[DEFAULT_RECIPE].items() if k not in ('epochs', 'cond_w', 'cond_from'))   # the rest: the recipe's
    assert all(0 <= a < b <= 1 for a, b in cfg['cond_range'].values())
    out = pipeline['outs'][-1].stdout; assert 'trained 2 epochs' in out
    secs = sum(float(r['seconds']) for r in log)   # the time reported is every epoch's, as the config keeps it
    assert f'({secs:.0f}s of epochs in all' in out and abs(cfg['train_seconds'] - secs) < 1e-6, out

def test_rerun_skips_finished_steps(pipeline):
    w = pipeline['work']
    assert 'already trained' in run_cli('facecvae-gender', w, '--size', 32).stdout
    assert 'already trained' in run_cli('facecvae-attributes', w).stdout
    assert 'up to date' in run_cli('facecvae-conditions', w).stdout

def test_generate_with_trained_model(pipeline, tmp_path):
    r = run_cli('facecvae-generate', '--model', pipeline['work'], '--n', 2, '--out', tmp_path/'g')
    assert r.returncode == 0 and len(list((tmp_path/'g').glob('*.png'))) == 2, r.stderr

def test_resume_finished_and_wrong_size(pipeline):
    w = pipeline['work']
    r = run_cli('facecvae-train', w, '--size', 32, '--epochs', 2, '--resume')
    assert r.returncode == 0 and 'finished all 2 epochs' in r.stdout, r.stderr
    assert 'is from a run at size 32' in one_error_line(run_cli('facecvae-train', w, '--size', 64, '--resume'), 'facecvae-train')

def test_label_errors(pipeline, tmp_path):
    labels = tmp_path/'labels'; shutil.copytree(pipeline['labels'], labels)
    w = pipeline['work']
    p = labels/label_file('mouth', 'male')
    p.write_bytes(p.read_bytes().replace(b'\r\n3,', b'\r\n3,x', 1))
    line = one_error_line(run_cli('facecvae-attributes', w, '--labels', labels, '--retrain', '--size', 32), 'facecvae-attributes')
    assert 'regression_mouth_info_male.csv row 3' in line and 'not a number' in line
    write_labels(p, 'mouth', [0.5] * 40)
    line = one_error_line(run_cli('facecvae-attributes', w, '--labels', labels, '--retrain', '--size', 32), 'facecvae-attributes')
    assert 'different numbers of rows' in line
    for a in ATTRS: write_labels(labels/label_file(a, 'male'), a, [0.5] * 40)
    assert 'only 30 images' in one_error_line(run_cli('facecvae-attributes', w, '--labels', labels, '--retrain', '--size', 32), 'facecvae-attributes')
    p.write_bytes('\ufeff,mouth\r\n0,2\r\n'.encode())
    assert 'outside [0, 1]' in one_error_line(run_cli('facecvae-attributes', w, '--labels', labels, '--retrain', '--size', 32), 'facecvae-attributes')
    p.unlink()
    assert 'not found' in one_error_line(run_cli('facecvae-attributes', w, '--labels', labels, '--retrain', '--size', 32), 'facecvae-attributes')

def test_steps_out_of_order(tmp_path):
    w = tmp_path/'w'; w.mkdir()
    assert 'facecvae-preprocess' in one_error_line(run_cli('facecvae-gender', w), 'facecvae-gender')
    assert 'classify_male_or_female.pth' in one_error_line(run_cli('facecvae-conditions', w), 'facecvae-conditions')
    assert 'facecvae-preprocess' in one_error_line(run_cli('facecvae-train', w, '--epochs', 1), 'facecvae-train')

def test_bad_condition_table(pipeline, tmp_path):
    w = tmp_path/'w'; shutil.copytree(pipeline['work'], w)
    lines = (w/'condition_data.csv').read_text().splitlines()
    (w/'condition_data.csv').write_text('\n'.join(lines[:-5]) + '\n')
    line = one_error_line(run_cli('facecvae-train', w, '--size', 32, '--epochs', 1), 'facecvae-train')
    assert 'lists 85 images but the cache has 90' in line
    (w/'condition_data.csv').write_text('\n'.join([lines[0], lines[1].rsplit(',', 1)[0] + ',nan', *lines[2:]]) + '\n')
    assert 'not in [0, 1]' in one_error_line(run_cli('facecvae-train', w, '--size', 32, '--epochs', 1), 'facecvae-train')
