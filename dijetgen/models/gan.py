"""Generative adversarial network: generator G(z) against discriminator D(x), both MLPs.

loss "nonsaturating" (default): D maximises <log D(x)> + <log(1 - D(G(z)))>; G minimises -<log D(G(z))>,
which has strong gradients early on, where log(1 - D(G(z))) saturates. label_smoothing > 0 aims D's real
targets at 1 - label_smoothing, which keeps D from becoming over-confident. loss "wgan-gp": D is a critic,
W = <D(x)> - <D(G(z))> with the gradient penalty of Gulrajani et al. (2017), n_critic critic updates per
generator update, each on a fresh real batch as in their Algorithm 1: every batch of the training loop is
one critic step, and every n_critic-th also a generator step (an epoch is one pass of the real data
through the critic). Adam with beta1 = 0.5 and a modest lr keeps the game stable.

GAN losses do not measure sample quality, so early stopping uses val_loss = the mean 1D Wasserstein distance
of the features plus the mean absolute difference of their correlations, between the validation set and as
many samples from a fixed noise batch. score = -D's logit (critic value for WGAN-GP): D learns to rate
training-like events high, so unusual events score high.

A conditional GAN gives the condition to both: G(z, c) and D(x, c); fakes are made at the batch's own c.

With ema_decay = d > 0, samples (and so the validation loss) come from an exponential moving average of G's
weights, updated after every generator step: the adversarial game keeps G's weights circling around a good
solution, and their average sits nearer it.
"""

import torch
from torch import nn
from torch.nn.functional import binary_cross_entropy_with_logits as bce

from dijetgen.errors import InputError
from dijetgen.models.base import GenerativeModel, mlp, moving_average

LOSSES = ("nonsaturating", "wgan-gp")


def leaky_relu():
    return nn.LeakyReLU(0.2)


def sample_distance(a: torch.Tensor, b: torch.Tensor) -> tuple[float, float]:
    """(mean 1D Wasserstein-1 distance per feature, mean |corr(a) - corr(b)|) of equal-sized samples."""
    w1 = (a.sort(dim=0).values - b.sort(dim=0).values).abs().mean().item()
    corr = (torch.corrcoef(a.T) - torch.corrcoef(b.T)).abs().mean().item()
    return w1, corr


class GAN(GenerativeModel):
    kind = "gan"

    def build(self, n_features):
        if self.hparams["loss"] not in LOSSES:
            raise InputError(f"loss: {self.hparams['loss']!r} is not one of {', '.join(LOSSES)}")
        hidden = self.hparams["hidden"]
        self._counted_epoch, self._critic_steps = None, 0
        nets = {
            "generator": mlp(self.hparams["latent_dim"] + self.n_condition, hidden, n_features, leaky_relu),
            "discriminator": mlp(n_features + self.n_condition, hidden, 1, leaky_relu),
        }
        if self.hparams["ema_decay"]:
            nets["generator_ema"] = moving_average(nets["generator"], self.hparams["ema_decay"])
        return nets

    def build_optimizers(self, lr):
        betas = tuple(self.hparams["betas"])
        return {
            name: torch.optim.Adam(self.nets[name].parameters(), lr=lr, betas=betas)
            for name in ("generator", "discriminator")
        }

    def _noise(self, n, generator=None):
        """Training noise comes from the device's seeded stream; a CPU generator makes reproducible draws."""
        if generator is None:
            return torch.randn(n, self.hparams["latent_dim"], device=self.device)
        return torch.randn(n, self.hparams["latent_dim"], generator=generator).to(self.device)

    def _fake(self, c, generator=None, averaged=False):
        """G's events (with their condition appended, as D sees them) at the standardised conditions c;
        `averaged` takes them from the moving average of G's weights, when there is one."""
        noise = self._noise(len(c), generator)
        net = self.nets["generator_ema" if averaged and "generator_ema" in self.nets else "generator"]
        return torch.cat([net(torch.cat([noise, c], dim=1)), c], dim=1)

    def _critic_loss(self, real, fake):
        """real and fake are [x | c] batches with the same c; the gradient penalty is on the x columns."""
        d = self.nets["discriminator"]
        if self.hparams["loss"] == "nonsaturating":
            d_real, d_fake = d(real), d(fake)
            target = torch.full_like(d_real, 1.0 - self.hparams["label_smoothing"])
            return bce(d_real, target) + bce(d_fake, torch.zeros_like(d_fake)), {}
        mix = torch.rand(len(real), 1, device=real.device)
        between = (mix * real + (1 - mix) * fake).requires_grad_(True)
        (grad,) = torch.autograd.grad(d(between).sum(), between, create_graph=True)
        penalty = (grad[:, : len(self.features)].norm(dim=1) - 1).pow(2).mean()
        wasserstein = d(real).mean() - d(fake).mean()
        return -wasserstein + self.hparams["gp_weight"] * penalty, {"wasserstein": wasserstein, "gp": penalty}

    def _generator_loss(self, fake):
        d_fake = self.nets["discriminator"](fake)
        if self.hparams["loss"] == "nonsaturating":
            return bce(d_fake, torch.ones_like(d_fake))
        return -d_fake.mean()

    def train_step(self, batch, epoch):
        # The count restarts each epoch, so a run resumed at an epoch boundary replays the same steps.
        if self._counted_epoch != epoch:
            self._counted_epoch, self._critic_steps = epoch, 0
        _, c = self.split(batch)
        fake = self._fake(c).detach()
        loss_d, extra = self._critic_loss(batch, fake)
        self.descend(loss_d, self.optimizers["discriminator"])
        self._critic_steps += 1
        if self._critic_steps % self.hparams["n_critic"] == 0:
            loss_g = self._generator_loss(self._fake(c))
            self.descend(loss_g, self.optimizers["generator"])
            if "generator_ema" in self.nets:
                self.nets["generator_ema"].update_parameters(self.nets["generator"])
        else:  # no generator step on this batch: report its loss on this batch's fakes
            with torch.no_grad():
                loss_g = self._generator_loss(fake)
        return {"d_loss": loss_d.detach(), "g_loss": loss_g.detach()} | {k: v.detach() for k, v in extra.items()}

    def validation_losses(self, x, epoch):
        real, c = self.split(x)
        fake = self.generate(c, torch.Generator().manual_seed(self.seed))
        w1, corr = sample_distance(fake, real)
        return {"val_loss": w1 + corr, "val_w1": w1, "val_corr": corr}

    def generate(self, condition, generator):
        return self.split(self._fake(condition, generator, averaged=True))[0]

    def score_standardised(self, x):
        return -self.nets["discriminator"](x).squeeze(1)
