"""BackpropAnimation: one piece of HTML that carries its frames and controls (no server)."""

from __future__ import annotations

import base64
import gzip
import json
import re
import shutil
import subprocess

import pytest

from autograd_core.viz.animation import BackpropAnimation


def _svg(k: int) -> str:
    return ('<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">\n'
            f'<!-- a comment -->\n<svg width="10pt"><g><text>frame {k} &amp; more</text></g>'
            "</svg>\n")


FRAMES = [_svg(k) for k in range(5)]
CAPTIONS = [f"step {k}: <b>{k}</b> & 'quoted'" for k in range(5)]


def _payload(fragment: str) -> list[list[str]]:
    (blob,) = re.findall(r'<script type="application/gzip\+base64" class="packed-frames">'
                         r"(.*?)</script>", fragment, re.S)
    return json.loads(gzip.decompress(base64.b64decode(blob)))


def test_the_notebook_fragment_packs_every_frame_and_shows_the_last_without_scripts():
    a = BackpropAnimation(FRAMES, CAPTIONS)
    frag = a._repr_html_()
    plain = re.findall(r'<div class="frame"[^>]*>', frag)
    assert len(plain) == 1 and 'data-k="5"' in plain[0] and "display: none" not in plain[0]
    unpacked = _payload(frag)
    assert [text for _, text in unpacked] == CAPTIONS
    assert all(svg.startswith("<svg") and "<?xml" not in svg and "<!--" not in svg
               for svg, _ in unpacked)
    assert [svg for svg, _ in unpacked] == [re.sub(r"(?s)^.*?(?=<svg)", "", f).replace(
        "<!-- a comment -->\n", "").strip() for f in FRAMES]
    # Captions are text, never markup, in the attribute and in the caption line.
    assert "<b>4</b>" not in frag
    assert "step 4: &lt;b&gt;4&lt;/b&gt; &amp; &#x27;quoted&#x27;" in frag
    assert a._repr_svg_().startswith("<svg") and "frame 4" in a._repr_svg_()


def test_each_player_drives_only_its_own_frames():
    a = BackpropAnimation(FRAMES, CAPTIONS)
    one, two = a._repr_html_(), a._repr_html_()
    ids = [re.search(r'class="ag-backprop" id="([\w-]+)"', f).group(1) for f in (one, two)]
    assert ids[0] != ids[1]
    for frag, uid in zip((one, two), ids):
        assert f"document.getElementById('{uid}')" in frag
        assert f"#{uid} .frame" in frag  # the style is scoped to it too
        assert "document.addEventListener" not in frag  # keys go to the focused player only


def test_the_page_holds_every_frame_plainly_and_nothing_external(tmp_path):
    a = BackpropAnimation(FRAMES, CAPTIONS, title="Backprop <steps>")
    path = a.save(tmp_path / "a.html")
    page = path.read_text()
    frames = re.findall(r'<div class="frame".*?</div>', page, re.S)
    assert len(frames) == 5 and page.count("<svg") == 5
    assert [("display: none" in f) for f in frames] == [True] * 4 + [False]
    assert 'class="packed-frames"' not in page and "<?xml" not in page and "<script" in page
    assert not re.search(r'(src|href)="https?:', page)
    assert "<title>Backprop &lt;steps&gt;</title>" in page


def test_bad_arguments_are_errors_that_say_what():
    with pytest.raises(ValueError, match="no frames"):
        BackpropAnimation([])
    with pytest.raises(ValueError, match="5 frames but 2 captions"):
        BackpropAnimation(FRAMES, CAPTIONS[:2])
    a = BackpropAnimation(FRAMES)
    assert len(a) == 5 and a.captions[0] == "step 1" and "5 frames" in repr(a)


def test_the_browser_side_unpacking_reads_the_payload():
    # The player unpacks with atob, Blob, DecompressionStream and Response: Node has the same
    # web APIs, so the unpacking (not the DOM part) runs here where Node is installed.
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    frag = BackpropAnimation(FRAMES, CAPTIONS)._repr_html_()
    (blob,) = re.findall(r'class="packed-frames">(.*?)</script>', frag, re.S)
    js = ("const t = require('fs').readFileSync(0, 'utf8').trim();"
          "const bin = atob(t), bytes = new Uint8Array(bin.length);"
          "for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);"
          "const s = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));"
          "new Response(s).text().then(x => console.log(JSON.stringify(JSON.parse(x).map("
          "f => f[1]))));")
    r = subprocess.run([node, "-e", js], input=blob, capture_output=True, text=True, timeout=60)
    if r.returncode != 0 and "is not defined" in r.stderr:
        pytest.skip(f"this node lacks a web API the browser has: {r.stderr.strip()[-200:]}")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == CAPTIONS


def test_a_graph_becomes_a_player_with_one_frame_per_step_and_the_same_page(tmp_path):
    import autograd_core as ag
    from autograd_core import Value

    if ag.renderer() is None:
        pytest.skip("no renderer: neither Graphviz's dot nor the in-process one")
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    o = (x * w).tanh()
    o.label = "o"
    o.backward()
    anim = ag.backprop_animation(o)
    assert isinstance(anim, ag.BackpropAnimation)
    assert len(anim) == len(ag.backprop_frames(o)) == 5  # o, x*w, x, w, then all known
    assert anim.captions[-1].startswith("done: all") and "o" in anim.captions[0]
    assert len(_payload(anim._repr_html_())) == len(anim)
    page = ag.render_backprop_animation(o, tmp_path / "steps.html").read_text()
    assert page.count("<svg") == len(anim)
