"""What model kinds and event sources exist, and what each one is: the one place a new kind or source is
declared. Torch-free and reader-free, so planning a workflow and checking a config import it at no cost;
the model classes and readers are found by name (`module:attribute`) only when a job needs them.

>>> KINDS["vae"].latent, KINDS["gan"].scores
(True, False)
>>> SOURCES["lhco"].read_in_place, SOURCES["lhco"].labels_each_event
(True, True)

Adding a kind: its module under dijetgen/models/ (a GenerativeModel subclass with `kind` set), one `Kind`
entry below, its keys' types in config.schema.yaml (tests/test_registry.py checks that the two agree),
then `make docs` regenerates docs/configuration.md. docs/developing.md has the recipe for a source.
"""

import copy
import importlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Hyperparameter:
    default: object
    doc: str


@dataclass(frozen=True)
class Kind:
    name: str
    model: str  # "module:class" of its GenerativeModel subclass
    doc: str
    hyperparameters: dict[str, Hyperparameter]  # its own keys, and common keys whose default it changes
    scores: bool  # its anomaly score means "unlike the training data" (a GAN's critic does not)
    latent: bool  # it encodes events to a latent space worth figures (dijetgen.latent)
    particles: bool = False  # it generates the particles of given jets: an entry of `particle_models:`

    def defaults(self) -> dict:
        """Every hyperparameter of the kind with its default, the common ones included."""
        # Copies, so that no caller can change the registry's lists and dicts.
        return copy.deepcopy({key: entry.default for key, entry in (COMMON | self.hyperparameters).items()})

    def load(self):
        """The model class, imported now (torch with it)."""
        return load_attribute(self.model)


@dataclass(frozen=True)
class Source:
    name: str
    reader: str  # "module:function" yielding a shard's events (dijetgen.sources)
    doc: str
    read_in_place: bool  # cluster jobs read its files by row range, with no ingest copy
    labels_each_event: bool  # the file carries each event's signal/background label; `label:` is refused
    file_format: str | None  # how figures name its files; None for a generator
    energy_tev: float | None  # its collision energy when known, for the figures' label
    defaults: dict = field(default_factory=dict)  # sample keys this source fills in when absent

    @property
    def generator(self) -> bool:
        """Whether it generates events (seeded) rather than reading a file."""
        return self.file_format is None

    def load(self):
        """The reader, imported now."""
        return load_attribute(self.reader)


def load_attribute(path: str):
    module, attribute = path.split(":")
    return getattr(importlib.import_module(module), attribute)


# Hyperparameters of every kind: how it trains, and what it is conditioned on.
COMMON = {
    "epochs": Hyperparameter(50, "most passes over the training split"),
    "batch_size": Hyperparameter(256, "events per optimiser step"),
    "lr": Hyperparameter(1e-3, "Adam's learning rate"),
    "hidden": Hyperparameter([64, 64], "widths of the hidden layers of each network"),
    "patience": Hyperparameter(10, "epochs without a better validation loss before training stops"),
    "condition": Hyperparameter([], "feature-table columns (not among the features) it is conditioned on"),
    "cuda": Hyperparameter({}, "settings that replace the entry's own when training runs on a GPU"),
}

LATENT_DIM_DOC = "dimensions of the latent space"
MIXTURE_DOC = "components of the Gaussian mixture fitted to the training codes"


def ode_solver(solver: str, steps: int) -> dict[str, Hyperparameter]:
    """The ODE-solver settings of the flow-matching kinds, which sample by integrating their field."""
    return {
        "solver": Hyperparameter(solver, "torchdiffeq ODE solver"),
        "atol": Hyperparameter(1e-5, "absolute tolerance of adaptive solvers"),
        "rtol": Hyperparameter(1e-5, "relative tolerance of adaptive solvers"),
        "steps": Hyperparameter(steps, "steps of fixed-grid solvers (euler, midpoint, rk4)"),
    }


EMA_DOC = "sample from a moving average of the weights with this decay per step; 0 = off"

KINDS = {
    kind.name: kind
    for kind in (
        Kind(
            "ae",
            "dijetgen.models.ae:AutoEncoder",
            "autoencoder; samples decode draws of a Gaussian mixture fitted to the training codes",
            {
                "latent_dim": Hyperparameter(6, LATENT_DIM_DOC),
                "gmm_components": Hyperparameter(20, MIXTURE_DOC),
                "residual_noise": Hyperparameter(True, "add noise of the training residuals' width to samples"),
            },
            scores=True,
            latent=True,
        ),
        Kind(
            "vae",
            "dijetgen.models.vae:VariationalAutoEncoder",
            "variational autoencoder; beta > 1 is the beta-VAE",
            {
                "latent_dim": Hyperparameter(6, LATENT_DIM_DOC),
                "beta": Hyperparameter(1.0, "weight of the KL term"),
                "kl_warmup_epochs": Hyperparameter(10, "epochs over which the KL weight rises from 0 to beta"),
                "score_with_kl": Hyperparameter(False, "anomaly score adds the KL term to the reconstruction"),
                "free_bits": Hyperparameter(0.0, "nats per latent dimension the KL term does not charge"),
                "latent_sampling": Hyperparameter("prior", "decode draws of N(0, 1) (prior) or of a mixture"),
                "gmm_components": Hyperparameter(20, MIXTURE_DOC),
            },
            scores=True,
            latent=True,
        ),
        Kind(
            "gan",
            "dijetgen.models.gan:GAN",
            "generative adversarial network",
            {
                "lr": Hyperparameter(2e-4, COMMON["lr"].doc),
                "patience": Hyperparameter(50, COMMON["patience"].doc),
                "latent_dim": Hyperparameter(16, "dimensions of the generator's noise"),
                "loss": Hyperparameter("nonsaturating", "nonsaturating or wgan-gp"),
                "betas": Hyperparameter([0.5, 0.999], "Adam's betas"),
                "n_critic": Hyperparameter(1, "critic steps per generator step"),
                "gp_weight": Hyperparameter(10.0, "wgan-gp: weight of the gradient penalty"),
                "label_smoothing": Hyperparameter(0.0, "one-sided: real labels are 1 minus this"),
                "ema_decay": Hyperparameter(0.0, EMA_DOC),
            },
            scores=False,
            latent=False,
        ),
        Kind(
            "flow",
            "dijetgen.models.flow:Flow",
            "normalizing flow (zuko)",
            {
                "flow": Hyperparameter("nsf", "nsf (neural spline) or maf (masked affine autoregressive)"),
                "transforms": Hyperparameter(4, "stacked transforms"),
                "bins": Hyperparameter(8, "nsf: spline bins"),
            },
            scores=True,
            latent=False,
        ),
        Kind(
            "cfm",
            "dijetgen.models.cfm:FlowMatching",
            "conditional flow matching; samples solve its ODE (torchdiffeq)",
            {
                "hidden": Hyperparameter([128, 128, 128], "widths of the vector field's hidden layers"),
                **ode_solver("dopri5", steps=50),
                "ema_decay": Hyperparameter(0.0, EMA_DOC),
            },
            scores=True,
            latent=False,
        ),
        Kind(
            "epicfm",
            "dijetgen.models.epicfm:EPiCFlowMatching",
            "particle clouds by flow matching with EPiC layers, conditioned on each jet's pt, eta, mass and "
            "multiplicity (configured under particle_models:)",
            {
                "batch_size": Hyperparameter(256, "jets per optimiser step"),
                "hidden": Hyperparameter([64, 64, 64], "one width per EPiC layer, all the same"),
                "global_dim": Hyperparameter(16, "size of the pooled global vector"),
                "angle_scale": Hyperparameter(
                    0.0, "distance from the jet axis beyond which angles are modelled logarithmically (0: linear)"
                ),
                **ode_solver("midpoint", steps=20),
                "ema_decay": Hyperparameter(0.0, EMA_DOC),
            },
            scores=False,
            latent=False,
            particles=True,
        ),
    )
}

# |PDG id| of particles that leave no trace in a detector: neutrinos (12, 14, 16, 18), the lightest
# neutralino (1000022), the gravitino (1000039) and Pythia's dark-matter states (51, 52, 53). HepMC3 and
# ROOT generator-level samples drop them (`samples.NAME.invisible`); Pythia asks its own particle data.
DEFAULT_INVISIBLE = [12, 14, 16, 18, 1000022, 1000039, 51, 52, 53]

SOURCES = {
    source.name: source
    for source in (
        # Pythia events exist nowhere else, so ingest writes them; its process fills label and settings
        # (dijetgen.config.sample_settings).
        Source(
            "pythia",
            "dijetgen.sources.pythia:iter_shard",
            "events generated by Pythia 8 (process qcd or wprime)",
            read_in_place=False,
            labels_each_event=False,
            file_format=None,
            energy_tev=13,  # Beams:eCM of dijetgen.sources.pythia
            defaults={"process": "qcd"},
        ),
        Source(
            "lhco",
            "dijetgen.sources.lhco:iter_shard",
            "an LHC Olympics 2020 R&D HDF5 file (700 particles per event, signal bit last)",
            read_in_place=True,
            labels_each_event=True,
            file_format="LHCO R&D",
            energy_tev=13,
        ),
        Source(
            "root",
            "dijetgen.sources.root:iter_shard",
            "a ROOT file's tree of particle arrays (uproot)",
            read_in_place=True,
            labels_each_event=False,
            file_format="ROOT",
            energy_tev=None,
            defaults={"label": 0, "invisible": DEFAULT_INVISIBLE},
        ),
        # Parsing HepMC3 is slow, so ingest copies its events once rather than each cluster job re-reading.
        Source(
            "hepmc",
            "dijetgen.sources.hepmc:iter_shard",
            "a HepMC3 ASCII file (pyhepmc)",
            read_in_place=False,
            labels_each_event=False,
            file_format="HepMC3",
            energy_tev=None,
            defaults={"label": 0, "invisible": DEFAULT_INVISIBLE},
        ),
    )
}
