package diag

import "math"

// Summary holds the columns of az.summary(kind="all") for one scalar
// quantity, without the credible interval.
type Summary struct {
	Mean, SD, MCSEMean, MCSESD, ESSBulk, ESSTail, RHat float64
}

// Summarize computes every Summary column. SD is the sample standard
// deviation (ddof 1) of all draws. ESSTail is ESSTail's 5%/95% tail ESS;
// see ESSTail for how it differs from az.summary's default column.
func Summarize(chains [][]float64) Summary {
	s := Summary{Mean: math.NaN(), SD: math.NaN()}
	flat := flatten(chains)
	if len(flat) > 0 {
		s.Mean = mean(flat)
	}
	if len(flat) > 1 {
		s.SD = math.Sqrt(variance(flat))
	}
	s.MCSEMean = MCSEMean(chains)
	s.MCSESD = MCSESD(chains)
	s.ESSBulk = ESSBulk(chains)
	s.ESSTail = ESSTail(chains)
	s.RHat = RHat(chains)
	return s
}
