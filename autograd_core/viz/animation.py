"""The backward pass, step by step, as one piece of HTML that carries its frames and controls.

`BackpropAnimation` holds one SVG per frame and the sentence that says what happens in it. In
Jupyter it displays inline (`_repr_html_`): previous/next, play, a slider and the arrow keys,
all in the output itself, with no server and nothing fetched; several animations in one
notebook each drive their own frames. `save(path)` writes the same player as a web page.

Inside a notebook the frames travel gzip-compressed (they differ only in labels and colours, so
eleven frames of a neuron shrink from about 140 KB to 13 KB of stored output) and the browser
unpacks them (`DecompressionStream`). Where scripts do not run (a notebook opened untrusted, a
viewer that strips them) or cannot unpack, the last frame, with every gradient known, shows.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
import os
import re
import uuid
from pathlib import Path

__all__ = ["BackpropAnimation", "frames_page", "INTRO"]

INTRO = ("Each step takes the node whose gradient is complete (yellow) and passes it to the "
         "inputs of the op that made it (orange edges). Green nodes are done; grad so far is "
         "still accumulating. The last frame shows every gradient known. Keys: left and right "
         "arrows, once the player has the focus (click it).")

_PROLOG = re.compile(r"^.*?(?=<svg)", re.S)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)

_STYLE = """
#{id} {{ font-family: Helvetica, Arial, sans-serif; color: #222; outline: none; }}
#{id} .bar {{ display: flex; gap: .5em; align-items: center; margin: .4em 0; }}
#{id} button {{ font-size: .95em; padding: .2em .8em; cursor: pointer; }}
#{id} .what {{ font-weight: bold; min-height: 1.4em; margin: .3em 0; }}
#{id} .frame {{ overflow: auto; }}
#{id} .frame svg {{ display: block; }}
"""

# Scoped to its own container: a notebook may hold several players, and a key press moves only
# the one that has the focus (a click on it gives it the focus).
_SCRIPT = """
(function () {{
  var root = document.getElementById('{id}');
  if (!root) return;
  var box = root.querySelector('.frames');
  var packed = root.querySelector('.packed-frames');
  var slider = root.querySelector('input[type=range]');
  var count = root.querySelector('.count');
  var what = root.querySelector('.what');
  var play = root.querySelector('[data-go=play]');
  var frames = box.querySelectorAll('.frame');
  var k = 0, timer = null;
  function show(i) {{
    var was = frames[k] ? frames[k].scrollLeft : 0;
    k = Math.max(0, Math.min(frames.length - 1, i));
    for (var j = 0; j < frames.length; j++) frames[j].style.display = j === k ? '' : 'none';
    // Every frame has the same layout: keep the view where it was, but bring the node that
    // backward is at (class "current") into view when it lies outside a wide graph's window.
    var f = frames[k], cur = f.querySelector('g.current');
    f.scrollLeft = was;
    if (cur) {{
      var r = cur.getBoundingClientRect(), c = f.getBoundingClientRect();
      if (r.left < c.left || r.right > c.right)
        f.scrollLeft += (r.left + r.right) / 2 - (c.left + c.right) / 2;
    }}
    slider.value = k + 1;
    count.textContent = 'frame ' + (k + 1) + ' of ' + frames.length;
    what.textContent = frames[k].getAttribute('data-what');
  }}
  function stop() {{
    if (timer) {{ clearInterval(timer); timer = null; }}
    play.textContent = '\\u25B6 play';
  }}
  function step(d) {{ stop(); show(k + d); }}
  root.querySelector('[data-go=prev]').onclick = function () {{ step(-1); }};
  root.querySelector('[data-go=next]').onclick = function () {{ step(1); }};
  play.onclick = function () {{
    if (timer) {{ stop(); return; }}
    if (k === frames.length - 1) show(0);
    play.textContent = '\\u275A\\u275A pause';
    timer = setInterval(function () {{
      if (k >= frames.length - 1) stop(); else show(k + 1);
    }}, {ms});
  }};
  slider.oninput = function () {{ stop(); show(parseInt(slider.value, 10) - 1); }};
  root.addEventListener('keydown', function (e) {{
    if (e.key === 'ArrowLeft') {{ step(-1); e.preventDefault(); }}
    if (e.key === 'ArrowRight') {{ step(1); e.preventDefault(); }}
  }});
  root.addEventListener('click', function () {{ root.focus(); }});
  if (!packed) {{ show(0); return; }}
  if (!window.DecompressionStream) {{
    what.textContent = 'This browser cannot unpack the frames: here is the last one.';
    return;
  }}
  var bin = atob(packed.textContent.trim()), bytes = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  new Response(stream).text().then(function (text) {{
    box.innerHTML = '';
    JSON.parse(text).forEach(function (f) {{
      var d = document.createElement('div');
      d.className = 'frame';
      d.setAttribute('data-what', f[1]);
      d.innerHTML = f[0];
      box.appendChild(d);
    }});
    frames = box.querySelectorAll('.frame');
    show(0);
  }});
}})();
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
</head>
<body style="margin: 1.5em">
{body}
</body>
</html>
"""


def _inline(svg: str) -> str:
    """An SVG document as an element to put inside HTML: no XML prolog, DOCTYPE or comments."""
    return _COMMENT.sub("", _PROLOG.sub("", svg, count=1)).strip()


class BackpropAnimation:
    """The frames of a backward pass: shown inline in Jupyter, `save(path)` writes a web page.

    `frames` are SVG texts, `captions` the sentence for each; `ms` is the time per frame when
    playing. `backprop_animation(root)` makes one from a graph.
    """

    def __init__(self, frames: list[str], captions: list[str] | None = None,
                 title: str = "Backprop, step by step", intro: str = INTRO,
                 ms: int = 900) -> None:
        if not frames:
            raise ValueError("BackpropAnimation: no frames to show")
        captions = captions if captions is not None else \
            [f"step {k + 1}" for k in range(len(frames))]
        if len(captions) != len(frames):
            raise ValueError(f"BackpropAnimation: {len(frames)} frames but {len(captions)} "
                             "captions")
        self.frames, self.captions = list(frames), list(captions)
        self.title, self.intro, self.ms = title, intro, int(ms)

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        return f"BackpropAnimation({len(self)} frames: {self.captions[0]!r} ... " \
               f"{self.captions[-1]!r})"

    def html(self, element_id: str | None = None, packed: bool = True) -> str:
        """The player as an HTML fragment (a `<div>` with its style, frames and script).

        `packed`: the frames gzip-compressed for the script to unpack, with only the last one
        as plain SVG; otherwise every frame as plain SVG.
        """
        uid = element_id or f"ag-backprop-{uuid.uuid4().hex[:12]}"
        n = len(self.frames)
        svgs = [_inline(svg) for svg in self.frames]
        shown = range(n - 1, n) if packed else range(n)
        divs = []
        for k in shown:
            hidden = "" if k == n - 1 else ' style="display: none"'  # no scripts: the end
            what = html.escape(self.captions[k])
            divs.append(f'<div class="frame" data-k="{k + 1}" aria-label="{what}" '
                        f'data-what="{what}"{hidden}>\n{svgs[k]}\n</div>')
        payload = ""
        if packed:
            data = json.dumps([[svg, text] for svg, text in zip(svgs, self.captions)])
            blob = base64.b64encode(gzip.compress(data.encode("utf-8"), 9, mtime=0))
            payload = (f'<script type="application/gzip+base64" class="packed-frames">'
                       f"{blob.decode('ascii')}</script>\n")
        intro = f"<p>{html.escape(self.intro)}</p>\n" if self.intro else ""
        return (f'<div class="ag-backprop" id="{uid}" tabindex="0">\n'
                f"<style>{_STYLE.format(id=uid)}</style>\n{intro}"
                '<div class="bar">'
                '<button data-go="prev">&larr; previous</button>'
                '<button data-go="play">&#9654; play</button>'
                '<button data-go="next">next &rarr;</button>'
                f'<input type="range" min="1" max="{n}" value="{n}" aria-label="frame">'
                f'<span class="count">frame {n} of {n}</span></div>\n'
                f'<p class="what">{html.escape(self.captions[-1])}</p>\n'
                '<div class="frames">\n' + "\n".join(divs) + "\n</div>\n" + payload
                + f"<script>{_SCRIPT.format(id=uid, ms=self.ms)}</script>\n</div>")

    def _repr_html_(self) -> str:
        """Jupyter's view: the player, inline."""
        return self.html()

    def _repr_svg_(self) -> str:
        """For viewers that show no HTML: the last frame, every gradient known."""
        return _inline(self.frames[-1])

    def page(self) -> str:
        """The player as a complete, self-contained web page."""
        body = f"<h2>{html.escape(self.title)}</h2>\n{self.html('backprop', packed=False)}"
        return _PAGE.format(title=html.escape(self.title), body=body)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write `page()` to `path` and return the path."""
        path = Path(path)
        path.write_text(self.page(), encoding="utf-8")
        return path


def frames_page(svgs: list[str], texts: list[str] | None = None) -> str:
    """The web page of `BackpropAnimation(svgs, texts)`: every frame inline, nothing fetched."""
    return BackpropAnimation(svgs, texts).page()
