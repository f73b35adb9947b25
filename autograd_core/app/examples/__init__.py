"""The lecture's lesson scripts, one per idea, shipped with the package.

Run one with `autograd-core example NAME [--out DIR] [--fast]` (or `python -m
autograd_core.app.examples.NAME`): it prints what it shows and saves its pictures in DIR.
The notebooks in the source's notebooks/ folder tell the same story with the pictures inline.
"""

# In the lecture's order, with what each one shows.
LESSONS: dict[str, str] = {
    "forward_backward": "the forward pass, the backward pass and the chain rule, drawn",
    "activations": "every activation and its derivative; step functions and surrogates",
    "softmax": "scores to probabilities, temperature, and cross-entropy's gradient",
    "initializers": "each initializer's histogram and the spread through ten layers",
    "training_steps": "full-batch gradient descent, minibatch SGD by hand, then nn.fit",
    "vanishing_gradients": "vanishing gradients in a deep sigmoid net, exploding ones, clipping",
    "digits": "handwritten digits: overfitting, and dropout as the remedy",
}

__all__ = ["LESSONS"]
