package nuts

// Stats describes one transition. Field meanings follow Stan and nutpie so
// that they map one to one onto ArviZ's sample_stats names.
type Stats struct {
	// Lp is the log-density at the selected point.
	Lp float64
	// AcceptanceRate is the mean over every leapfrog step of the trajectory,
	// including those of a rejected final subtree, of min(1, exp(H0 - H)):
	// the statistic step-size adaptation steers towards its target.
	AcceptanceRate float64
	// StepSize is the step size the transition used.
	StepSize float64
	// StepSizeNom is the step size warmup would settle on if it stopped
	// now (the dual-averaging average); after warmup it equals StepSize.
	StepSizeNom float64
	// TreeDepth is the number of completed doublings.
	TreeDepth int
	// NSteps is the number of leapfrog steps, hence gradient evaluations.
	NSteps int
	// Diverging reports that a leapfrog step's energy error exceeded the
	// maximum or that the density failed recoverably at a step.
	Diverging bool
	// Energy is the Hamiltonian at the selected point with its momentum.
	Energy float64
	// EnergyError is Energy minus the initial Hamiltonian.
	EnergyError float64
	// MaxEnergyError is the signed energy error of largest magnitude over
	// the trajectory's steps (+Inf for a failed step).
	MaxEnergyError float64
	// ReachedMaxTreedepth reports that the trajectory stopped because it hit
	// the depth limit, not because it turned or diverged.
	ReachedMaxTreedepth bool
	// Tuning reports a warmup transition.
	Tuning bool
}
