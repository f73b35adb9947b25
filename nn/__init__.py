"""Neural-network building blocks on autograd_core: modules, layers, activations, init, losses."""
