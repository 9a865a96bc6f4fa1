"""Energy flow polynomials (Komiske, Metodiev & Thaler, arXiv:1712.07124) of many jets at once.

EFP_G = sum over the particles i_1..i_n of z_i1 ... z_in * prod over the edges (k, l) of G of theta_ik,il, with
z_i = pT_i / sum pT and theta_ij = (deta_ij^2 + dphi_ij^2)^(beta / 2): energyflow's `EFPSet(measure="hadr",
beta=1, normed=True)` on massless (pT, y = eta, phi) particles. The set here is every *connected* multigraph
with d <= MAX_DEGREE edges (1 + 2 + 5 + 12 = 20 graphs for d <= 4, the counts of the EFP paper's table 1): a
disconnected graph's EFP is the product of its parts', so it adds no information a model could not form.

Why not energyflow itself: energyflow 1.4.0 imports `wasserstein`, whose only wheel (1.0.1) is built against
NumPy 1 and fails to import under the project's NumPy 2 pin ("_ARRAY_API not found"); its source build
(`pip install --no-build-isolation --no-binary wasserstein wasserstein==1.0.1`, which works) compiled for
about an hour on 2 busy cores, and `pip install -r requirements.txt` cannot ask for it per package. The sum
above is a few lines of NumPy (a tree costs N^2 per jet, a graph with a cycle N^3). tests/test_efp.py checks it
against a brute-force sum over all particle tuples and against energyflow 1.4.0's values on Pythia jets
(computed once in a separate venv; equal to 1e-9).

Padded particles (z = 0) contribute nothing, so jets of any multiplicity go through one padded array.
"""

import itertools
import string

import numpy as np

from dijetgen.columns import EFP_COUNT

MAX_DEGREE = 4
JETS_PER_CHUNK = 256  # bounds the (jets, N, N) matrices at 256 * 100^2 * 8 bytes = 20 MB each


def _canonical(edges: tuple[tuple[int, int], ...], n: int) -> tuple:
    """The lexicographically smallest sorted edge list over all relabellings of the n vertices."""
    return min(tuple(sorted(tuple(sorted((p[a], p[b]))) for a, b in edges)) for p in itertools.permutations(range(n)))


def _connected(edges, n: int) -> bool:
    reached, frontier = {0}, [0]
    while frontier:
        vertex = frontier.pop()
        for a, b in edges:
            for x, y in ((a, b), (b, a)):
                if x == vertex and y not in reached:
                    reached.add(y)
                    frontier.append(y)
    return len(reached) == n


def connected_multigraphs(max_degree: int = MAX_DEGREE) -> list[tuple[tuple[int, int], ...]]:
    """Every connected multigraph with 1..max_degree edges, no loops, up to isomorphism, as edge lists;
    ordered by (edges, vertices, edge list).

    >>> connected_multigraphs(2)
    [((0, 1),), ((0, 1), (0, 1)), ((0, 1), (0, 2))]
    """
    graphs = set()
    for d in range(1, max_degree + 1):
        for n in range(2, d + 2):  # a connected graph of d edges has at most d + 1 vertices
            pairs = list(itertools.combinations(range(n), 2))
            for edges in itertools.combinations_with_replacement(pairs, d):
                if {v for edge in edges for v in edge} == set(range(n)) and _connected(edges, n):
                    graphs.add((d, n, _canonical(edges, n)))
    return [edges for _, _, edges in sorted(graphs)]


EFP_GRAPHS = connected_multigraphs()
assert len(EFP_GRAPHS) == EFP_COUNT, "dijetgen.columns names the EFP columns"


def _subscripts(edges) -> str:
    """einsum subscripts of one graph over a batch axis `a`: one z factor per vertex, one theta per edge."""
    letters = string.ascii_lowercase[1:]  # `a` is the jet
    n = max(v for edge in edges for v in edge) + 1
    factors = [f"a{letters[v]}" for v in range(n)] + [f"a{letters[i]}{letters[j]}" for i, j in edges]
    return ",".join(factors) + "->a"


# The graphs with a cycle cost N^3 per jet in any contraction order; written as traces of M = theta diag(z)
# and M2 = M @ M, one batched BLAS product serves all four (einsum's own contractions are 10x slower here).
# tr(AB) = sum(A * B^T), so each is an elementwise sum once M2 is known.
CYCLES = {
    ((0, 1), (0, 2), (1, 2)): lambda z, theta, m, m2: (m2 * m.swapaxes(1, 2)).sum(axis=(1, 2)),
    ((0, 1), (0, 1), (0, 2), (1, 2)): lambda z, theta, m, m2: (theta * m * m2.swapaxes(1, 2)).sum(axis=(1, 2)),
    ((0, 1), (0, 2), (0, 3), (1, 2)): lambda z, theta, m, m2: np.einsum(
        "ai,ai,aij,aij->a", z, m.sum(axis=2), m2, theta
    ),
    ((0, 1), (0, 2), (1, 3), (2, 3)): lambda z, theta, m, m2: (m2 * m2.swapaxes(1, 2)).sum(axis=(1, 2)),
}


def efps(pt: np.ndarray, eta: np.ndarray, phi: np.ndarray, beta: float = 1.0) -> np.ndarray:
    """(jets, len(EFP_GRAPHS)) EFPs of padded (jets, particles) arrays; padded particles must have pt = 0.

    Only differences of eta and phi enter, so (pt_rel, deta, dphi) relative to the jet axis serve as well as
    absolute coordinates. dphi differences are wrapped to [-pi, pi].
    """
    pt, eta, phi = (np.asarray(v, dtype=np.float64) for v in (pt, eta, phi))
    out = np.empty((len(pt), len(EFP_GRAPHS)))
    subscripts = [_subscripts(edges) for edges in EFP_GRAPHS]
    for start in range(0, len(pt), JETS_PER_CHUNK):
        part = slice(start, start + JETS_PER_CHUNK)
        total = pt[part].sum(axis=1, keepdims=True)
        z = np.divide(pt[part], total, out=np.zeros_like(pt[part]), where=total > 0)
        d_eta = eta[part, :, None] - eta[part, None, :]
        d_phi = np.abs(phi[part, :, None] - phi[part, None, :])
        d_phi = np.minimum(d_phi, 2 * np.pi - d_phi)
        theta = (d_eta**2 + d_phi**2) ** (beta / 2)
        m = theta * z[:, None, :]
        m2 = m @ m
        for k, (edges, script) in enumerate(zip(EFP_GRAPHS, subscripts)):
            if edges in CYCLES:
                out[part, k] = CYCLES[edges](z, theta, m, m2)
            else:  # a tree: einsum's greedy order eliminates leaves first, N^2 per jet
                operands = [z] * (script.count(",") + 1 - len(edges)) + [theta] * len(edges)
                out[part, k] = np.einsum(script, *operands, optimize="greedy")
    return out
