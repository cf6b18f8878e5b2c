"""Reference results for the diffusion validation configs, computed from the
published formulas only (no simulator code): the Bass (1969) closed form, its
discrete-time mean-field recursion with a linear-noise standard error, and
Granovetter's (1978) mean-field threshold iteration with a
Dvoretzky-Kiefer-Wolfowitz sampling bound. Standard library only."""

import math


# ---- Bass (DOMAIN_NOTES 3.4) -------------------------------------------------

def bass_closed_form(p, q, t):
    """F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})."""
    e = math.exp(-(p + q) * t)
    return (1.0 - e) / (1.0 + (q / p) * e)


def bass_peak_time(p, q):
    """t* = ln(q/p) / (p + q): the peak of the adoption rate."""
    return math.log(q / p) / (p + q)


def bass_recursion(p, q, dt, ticks, f0=0.0):
    """Discrete-time mean field of the per-tick rule: a household not yet
    adopted adopts in a tick with probability h(F) = 1 - exp(-(p + q F) dt),
    F the share at the start of the tick. Returns (F, var) after each tick,
    var the linear-noise-approximation variance of F for N = 1 (divide by N):
    F_{t+1} = F_t + B_t / N with B_t ~ Binomial(N (1 - F_t), h(F_t)), so a
    deviation d_t evolves as d_{t+1} = a_t d_t + noise, with
    a_t = 1 - h + (1 - F) h'(F), h'(F) = q dt exp(-(p + q F) dt), and the
    noise variance (1 - F) h (1 - h) / N."""
    f, var, out = f0, 0.0, []
    for _ in range(ticks):
        h = -math.expm1(-(p + q * f) * dt)
        dh = q * dt * math.exp(-(p + q * f) * dt)
        a = 1.0 - h + (1.0 - f) * dh
        var = a * a * var + (1.0 - f) * h * (1.0 - h)
        f = f + (1.0 - f) * h
        out.append((f, var))
    return out


# ---- Granovetter (DOMAIN_NOTES 3.6) ---------------------------------------------

def normal_cdf(x):
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def threshold_mean_field(mean, sd, max_steps=100000, tol=1e-15):
    """x_{t+1} = Phi((x_t - mean) / sd) from x_0 = 0 (thresholds clipped to
    [0, 1] do not change the CDF below 1). Returns the trajectory x_1, x_2, ...
    up to the fixed point."""
    x, out = 0.0, []
    for _ in range(max_steps):
        nxt = normal_cdf((x - mean) / sd)
        out.append(nxt)
        if abs(nxt - x) < tol:
            break
        x = nxt
    return out


def threshold_slope(mean, sd, x):
    """d/dx Phi((x - mean) / sd): how the iteration amplifies an error at x."""
    z = (x - mean) / sd
    return math.exp(-0.5 * z * z) / (sd * math.sqrt(2.0 * math.pi))


def dkw_epsilon(n, alpha):
    """sup |empirical CDF - CDF| <= eps with probability >= 1 - alpha
    (Dvoretzky-Kiefer-Wolfowitz with Massart's constant)."""
    return math.sqrt(math.log(2.0 / alpha) / (2.0 * n))


if __name__ == "__main__":
    p, q = 0.03, 0.38
    print("closed form:", {t: round(bass_closed_form(p, q, t), 3) for t in (1, 2, 5, 10, 15, 20)})
    print("t* = %.2f, F(t*) = %.3f" % (bass_peak_time(p, q), bass_closed_form(p, q, bass_peak_time(p, q))))
    rec = bass_recursion(p, q, 1 / 12, 300)
    worst = max(abs(rec[k][0] - bass_closed_form(p, q, (k + 1) / 12)) for k in range(300))
    print("monthly recursion vs closed form: max |diff| = %.5f" % worst)
    print("LNA sd of F at N=1e5, max over t: %.5f" % max(math.sqrt(v / 1e5) for _, v in rec))
    for sd in (0.10, 0.12, 0.122, 0.123, 0.14):
        traj = threshold_mean_field(0.25, sd)
        print("sigma %.3f: final %.4f after %d steps, slope at end %.3f" %
              (sd, traj[-1], len(traj), threshold_slope(0.25, sd, traj[-1])))
