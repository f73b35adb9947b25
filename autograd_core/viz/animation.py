"""A self-contained HTML page that steps through backward frames (no external files or scripts)."""

from __future__ import annotations

import html
import re

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Backprop, step by step</title>
<style>
  body {{ font-family: Helvetica, Arial, sans-serif; margin: 1.5em; color: #222; }}
  .bar {{ display: flex; gap: .6em; align-items: center; margin-bottom: 1em; }}
  button {{ font-size: 1em; padding: .3em .9em; }}
  .frame {{ display: none; overflow: auto; }}
  .frame.shown {{ display: block; }}
  /* SVGs keep their natural size (readable text); a wide graph scrolls sideways */
  .frame svg {{ display: block; }}
  #what {{ font-weight: bold; min-height: 1.4em; }}
</style>
</head>
<body>
<h2>Backprop, step by step</h2>
<p>Each step takes the node whose gradient is complete (yellow), and passes it to the inputs of the
op that made it (orange edges). Green nodes are done; <i>grad so far</i> is still accumulating.
The last step shows every gradient known. Keys: &larr; / &rarr;.</p>
<div class="bar">
  <button id="prev">&larr; previous</button>
  <button id="next">next &rarr;</button>
  <input id="slider" type="range" min="1" max="{n}" value="1">
  <span id="count">frame 1 of {n}</span>
</div>
<p id="what"></p>
{frames}
<script>
(function () {{
  var frames = document.querySelectorAll('.frame');
  var slider = document.getElementById('slider');
  var count = document.getElementById('count');
  var what = document.getElementById('what');
  var k = 0;
  function show(i) {{
    k = Math.max(0, Math.min(frames.length - 1, i));
    frames.forEach(function (f, j) {{ f.classList.toggle('shown', j === k); }});
    slider.value = k + 1;
    count.textContent = 'frame ' + (k + 1) + ' of ' + frames.length;
    what.textContent = frames[k].getAttribute('data-what');
  }}
  document.getElementById('prev').onclick = function () {{ show(k - 1); }};
  document.getElementById('next').onclick = function () {{ show(k + 1); }};
  slider.oninput = function () {{ show(parseInt(slider.value, 10) - 1); }};
  document.addEventListener('keydown', function (e) {{
    if (e.key === 'ArrowLeft') show(k - 1);
    if (e.key === 'ArrowRight') show(k + 1);
  }});
  show(0);
}})();
</script>
</body>
</html>
"""

_PROLOG = re.compile(r"^.*?(?=<svg)", re.S)


def frames_page(svgs: list[str], texts: list[str] | None = None) -> str:
    """The HTML page: one `<div class="frame">` per SVG (with the sentence saying what happens
    in it), previous/next buttons and a slider; everything inline, nothing fetched."""
    if not svgs:
        raise ValueError("frames_page: no frames to show")
    texts = texts if texts is not None else [f"step {k + 1}" for k in range(len(svgs))]
    if len(texts) != len(svgs):
        raise ValueError(f"frames_page: {len(svgs)} frames but {len(texts)} captions")
    divs = []
    for k, (svg, text) in enumerate(zip(svgs, texts)):
        body = _PROLOG.sub("", svg, count=1)  # drop the XML prolog and DOCTYPE: inline SVG
        divs.append(f'<div class="frame" id="frame-{k + 1}" '
                    f'aria-label="{html.escape(text)}" data-what="{html.escape(text)}">\n'
                    f"{body}</div>")
    return _PAGE.format(n=len(svgs), frames="\n".join(divs))
