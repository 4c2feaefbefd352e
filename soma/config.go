package soma

import (
	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/config"
)

// Every config has the population size, the time step and the model's
// parameters. A parameter is a [spark.Param]: [spark.Uniform] for one value
// for the whole population, [spark.PerUnit] for one value per unit, or unset
// for the default (the JAX library's, listed in docs/models.md). Potentials are absolute (mV);
// the somas store them relative to the resting potential.
//
// A constructor refuses a config with Units ≤ 0 or above spark.MaxUnits,
// a Dt that is negative or not finite, a parameter value that is not
// finite, a time constant or spike slope ≤ 0, a negative cooldown or one
// longer than 65534 steps, or per-unit values whose number is not Units;
// the error is a *[spark.ConfigError].

// LeakyConfig configures a [Leaky] population (the seed's LeakySomaConfig).
type LeakyConfig struct {
	Units int     // population size, > 0 and at most spark.MaxUnits
	Dt    float64 // time step (ms), > 0; 0 means 1 ms

	PotentialRest  spark.Param // resting potential (mV); default −60
	PotentialReset spark.Param // potential after a spike (mV); default −50
	PotentialTau   spark.Param // membrane time constant (ms), > 0; default 20
	Resistance     spark.Param // membrane resistance (GΩ, so R·I is in mV for I in pA); default 0.1
	Threshold      spark.Param // spike threshold (mV); default −40
}

// RefractoryLeakyConfig configures a [RefractoryLeaky] population (the
// seed's RefractoryLeakySomaConfig).
type RefractoryLeakyConfig struct {
	Units int     // population size, > 0 and at most spark.MaxUnits
	Dt    float64 // time step (ms), > 0; 0 means 1 ms

	PotentialRest  spark.Param // resting potential (mV); default −60
	PotentialReset spark.Param // potential after a spike (mV); default −50
	PotentialTau   spark.Param // membrane time constant (ms), > 0; default 20
	Resistance     spark.Param // membrane resistance (GΩ); default 0.1
	Threshold      spark.Param // spike threshold (mV); default −40
	Cooldown       spark.Param // refractory period (ms), ≥ 0, rounded to whole steps; default 2
}

// StrictRefractoryLeakyConfig configures a [StrictRefractoryLeaky]
// population (the seed's StrictRefractoryLeakySomaConfig).
type StrictRefractoryLeakyConfig RefractoryLeakyConfig

// AdaptiveLeakyConfig configures an [AdaptiveLeaky] population (the seed's
// AdaptiveLeakySomaConfig).
type AdaptiveLeakyConfig struct {
	Units int     // population size, > 0 and at most spark.MaxUnits
	Dt    float64 // time step (ms), > 0; 0 means 1 ms

	PotentialRest  spark.Param // resting potential (mV); default −60
	PotentialReset spark.Param // potential after a spike (mV); default −50
	PotentialTau   spark.Param // membrane time constant (ms), > 0; default 20
	Resistance     spark.Param // membrane resistance (GΩ); default 0.1
	Threshold      spark.Param // baseline spike threshold (mV); default −40
	Cooldown       spark.Param // refractory period (ms), ≥ 0, rounded to whole steps; default 2
	ThresholdTau   spark.Param // time constant of the threshold's return to baseline (ms), > 0; default 20
	ThresholdDelta spark.Param // threshold increase per spike (mV); default 100
}

// ExponentialConfig configures an [Exponential] population (the seed's
// ExponentialSomaConfig).
type ExponentialConfig struct {
	Units int     // population size, > 0 and at most spark.MaxUnits
	Dt    float64 // time step (ms), > 0; 0 means 1 ms

	PotentialRest     spark.Param // resting potential (mV); default −70
	PotentialReset    spark.Param // potential after a spike (mV); default −51
	PotentialTau      spark.Param // membrane time constant (ms), > 0; default 5
	Resistance        spark.Param // membrane resistance (GΩ); default 0.5
	Threshold         spark.Param // numerical spike cut-off (mV); default −30
	RheobaseThreshold spark.Param // rheobase threshold ϑ_rh, where the exponential takes over (mV); default −50
	SpikeSlope        spark.Param // sharpness Δ_T of spike initiation (mV), > 0; default 2
}

// RefractoryExponentialConfig configures a [RefractoryExponential]
// population (the seed's RefractoryExponentialSomaConfig).
type RefractoryExponentialConfig struct {
	Units int     // population size, > 0 and at most spark.MaxUnits
	Dt    float64 // time step (ms), > 0; 0 means 1 ms

	PotentialRest     spark.Param // resting potential (mV); default −70
	PotentialReset    spark.Param // potential after a spike (mV); default −51
	PotentialTau      spark.Param // membrane time constant (ms), > 0; default 5
	Resistance        spark.Param // membrane resistance (GΩ); default 0.5
	Threshold         spark.Param // numerical spike cut-off (mV); default −30
	RheobaseThreshold spark.Param // rheobase threshold (mV); default −50
	SpikeSlope        spark.Param // sharpness of spike initiation (mV), > 0; default 2
	Cooldown          spark.Param // refractory period (ms), ≥ 0, rounded to whole steps; default 2
}

// AdaptiveExponentialConfig configures an [AdaptiveExponential] (AdEx)
// population (the seed's AdaptiveExponentialSomaConfig).
type AdaptiveExponentialConfig struct {
	Units int     // population size, > 0 and at most spark.MaxUnits
	Dt    float64 // time step (ms), > 0; 0 means 1 ms

	PotentialRest          spark.Param // resting potential (mV); default −70
	PotentialReset         spark.Param // potential after a spike (mV); default −51
	PotentialTau           spark.Param // membrane time constant (ms), > 0; default 5
	Resistance             spark.Param // membrane resistance (GΩ); default 0.5
	Threshold              spark.Param // numerical spike cut-off (mV); default −30
	RheobaseThreshold      spark.Param // rheobase threshold (mV); default −50
	SpikeSlope             spark.Param // sharpness of spike initiation (mV), > 0; default 2
	AdaptationTau          spark.Param // time constant τ_w of the adaptation current (ms), > 0; default 100
	AdaptationDelta        spark.Param // spike-triggered adaptation b (pA); default 7
	AdaptationSubthreshold spark.Param // subthreshold adaptation a (nS); default 0.5
}

// SimplifiedAdaptiveExponentialConfig configures a
// [SimplifiedAdaptiveExponential] population (the seed's
// SimplifiedAdaptiveExponentialSomaConfig).
type SimplifiedAdaptiveExponentialConfig struct {
	Units int     // population size, > 0 and at most spark.MaxUnits
	Dt    float64 // time step (ms), > 0; 0 means 1 ms

	PotentialRest     spark.Param // resting potential (mV); default −70
	PotentialReset    spark.Param // potential after a spike (mV); default −51
	PotentialTau      spark.Param // membrane time constant (ms), > 0; default 5
	Resistance        spark.Param // membrane resistance (GΩ); default 0.5
	Threshold         spark.Param // baseline numerical spike cut-off (mV); default −30
	RheobaseThreshold spark.Param // rheobase threshold (mV); default −50
	SpikeSlope        spark.Param // sharpness of spike initiation (mV), > 0; default 2
	Cooldown          spark.Param // refractory period (ms), ≥ 0, rounded to whole steps; default 2
	ThresholdTau      spark.Param // time constant of the threshold's return to baseline (ms), > 0; default 20
	ThresholdDelta    spark.Param // threshold increase per spike (mV); default 100
}

// IzhikevichConfig configures an [Izhikevich] population (the seed's
// IzhikevichSomaConfig).
type IzhikevichConfig struct {
	Units int     // population size, > 0 and at most spark.MaxUnits
	Dt    float64 // time step (ms), > 0; 0 means 1 ms

	PotentialRest       spark.Param // resting potential (mV); default −65
	PotentialReset      spark.Param // potential after a spike, Izhikevich's c (mV); default −65
	Resistance          spark.Param // input resistance (GΩ); default 0.1
	Threshold           spark.Param // spike cut-off (mV); default 30
	RecoveryTimescale   spark.Param // a, the rate of the recovery variable (1/ms); default 0.02
	RecoverySensitivity spark.Param // b, the recovery's sensitivity to the potential (nS, pA per mV); default 0.2
	RecoveryUpdate      spark.Param // d, the recovery's increase per spike (pA); default 2
}

// The field tables: Go name, seed name, default and rule of every parameter.
// They drive defaults, validation and error messages in one place.

func leakyFields(rest, reset, tau, r, thr *spark.Param) []config.Field {
	return []config.Field{
		{Name: "PotentialRest", Seed: "potential_rest", Param: rest, Default: -60, Rule: config.Finite},
		{Name: "PotentialReset", Seed: "potential_reset", Param: reset, Default: -50, Rule: config.Finite},
		{Name: "PotentialTau", Seed: "potential_tau", Param: tau, Default: 20, Rule: config.TimeConstant},
		{Name: "Resistance", Seed: "resistance", Param: r, Default: 0.1, Rule: config.Finite},
		{Name: "Threshold", Seed: "threshold", Param: thr, Default: -40, Rule: config.Finite},
	}
}

func exponentialFields(rest, reset, tau, r, thr, rh, slope *spark.Param) []config.Field {
	return []config.Field{
		{Name: "PotentialRest", Seed: "potential_rest", Param: rest, Default: -70, Rule: config.Finite},
		{Name: "PotentialReset", Seed: "potential_reset", Param: reset, Default: -51, Rule: config.Finite},
		{Name: "PotentialTau", Seed: "potential_tau", Param: tau, Default: 5, Rule: config.TimeConstant},
		{Name: "Resistance", Seed: "resistance", Param: r, Default: 0.5, Rule: config.Finite},
		{Name: "Threshold", Seed: "threshold", Param: thr, Default: -30, Rule: config.Finite},
		{Name: "RheobaseThreshold", Seed: "rheobase_threshold", Param: rh, Default: -50, Rule: config.Finite},
		{Name: "SpikeSlope", Seed: "spike_slope", Param: slope, Default: 2, Rule: config.Positive},
	}
}

func cooldownField(c *spark.Param) config.Field {
	return config.Field{Name: "Cooldown", Seed: "cooldown", Param: c, Default: 2, Rule: config.Cooldown}
}

func thresholdFields(tau, delta *spark.Param) []config.Field {
	return []config.Field{
		{Name: "ThresholdTau", Seed: "threshold_tau", Param: tau, Default: 20, Rule: config.TimeConstant},
		{Name: "ThresholdDelta", Seed: "threshold_delta", Param: delta, Default: 100, Rule: config.Finite},
	}
}

func (c *LeakyConfig) fields() []config.Field {
	return leakyFields(&c.PotentialRest, &c.PotentialReset, &c.PotentialTau, &c.Resistance, &c.Threshold)
}

func (c *RefractoryLeakyConfig) fields() []config.Field {
	return append(leakyFields(&c.PotentialRest, &c.PotentialReset, &c.PotentialTau, &c.Resistance, &c.Threshold),
		cooldownField(&c.Cooldown))
}

func (c *StrictRefractoryLeakyConfig) fields() []config.Field {
	return (*RefractoryLeakyConfig)(c).fields()
}

func (c *AdaptiveLeakyConfig) fields() []config.Field {
	f := leakyFields(&c.PotentialRest, &c.PotentialReset, &c.PotentialTau, &c.Resistance, &c.Threshold)
	f = append(f, cooldownField(&c.Cooldown))
	return append(f, thresholdFields(&c.ThresholdTau, &c.ThresholdDelta)...)
}

func (c *ExponentialConfig) fields() []config.Field {
	return exponentialFields(&c.PotentialRest, &c.PotentialReset, &c.PotentialTau, &c.Resistance, &c.Threshold,
		&c.RheobaseThreshold, &c.SpikeSlope)
}

func (c *RefractoryExponentialConfig) fields() []config.Field {
	return append(exponentialFields(&c.PotentialRest, &c.PotentialReset, &c.PotentialTau, &c.Resistance, &c.Threshold,
		&c.RheobaseThreshold, &c.SpikeSlope), cooldownField(&c.Cooldown))
}

func (c *AdaptiveExponentialConfig) fields() []config.Field {
	return append(exponentialFields(&c.PotentialRest, &c.PotentialReset, &c.PotentialTau, &c.Resistance, &c.Threshold,
		&c.RheobaseThreshold, &c.SpikeSlope),
		config.Field{Name: "AdaptationTau", Seed: "adaptation_tau", Param: &c.AdaptationTau, Default: 100, Rule: config.TimeConstant},
		config.Field{Name: "AdaptationDelta", Seed: "adaptation_delta", Param: &c.AdaptationDelta, Default: 7, Rule: config.Finite},
		config.Field{Name: "AdaptationSubthreshold", Seed: "adaptation_subthreshold", Param: &c.AdaptationSubthreshold, Default: 0.5, Rule: config.Finite},
	)
}

func (c *SimplifiedAdaptiveExponentialConfig) fields() []config.Field {
	f := exponentialFields(&c.PotentialRest, &c.PotentialReset, &c.PotentialTau, &c.Resistance, &c.Threshold,
		&c.RheobaseThreshold, &c.SpikeSlope)
	f = append(f, cooldownField(&c.Cooldown))
	return append(f, thresholdFields(&c.ThresholdTau, &c.ThresholdDelta)...)
}

func (c *IzhikevichConfig) fields() []config.Field {
	return []config.Field{
		{Name: "PotentialRest", Seed: "potential_rest", Param: &c.PotentialRest, Default: -65, Rule: config.Finite},
		{Name: "PotentialReset", Seed: "potential_reset", Param: &c.PotentialReset, Default: -65, Rule: config.Finite},
		{Name: "Resistance", Seed: "resistance", Param: &c.Resistance, Default: 0.1, Rule: config.Finite},
		{Name: "Threshold", Seed: "threshold", Param: &c.Threshold, Default: 30, Rule: config.Finite},
		{Name: "RecoveryTimescale", Seed: "recovery_timescale", Param: &c.RecoveryTimescale, Default: 0.02, Rule: config.Finite},
		{Name: "RecoverySensitivity", Seed: "recovery_sensitivity", Param: &c.RecoverySensitivity, Default: 0.2, Rule: config.Finite},
		{Name: "RecoveryUpdate", Seed: "recovery_update", Param: &c.RecoveryUpdate, Default: 2, Rule: config.Finite},
	}
}
