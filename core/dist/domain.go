package dist

import (
	"fmt"
	"math"
)

// domain is the set of valid values of one parameter. The same ranges are
// enforced at run time inside each log-density (as -Inf), so a constant that
// passes CheckParam never makes a density improper.
type domain uint8

const (
	anyReal      domain = iota // finite
	positive                   // > 0
	nonNegative                // >= 0
	probability                // [0, 1]
	openUnit                   // (0, 1)
	countParam                 // 0, 1, 2, ...
	integerParam               // ..., -1, 0, 1, ...
	boundParam                 // a censoring or truncation bound: any number but NaN, infinities included
)

func (d domain) check(name string, x float64) error {
	if d == boundParam {
		if math.IsNaN(x) {
			return fmt.Errorf("%s must be a number, got NaN", name)
		}
		return nil
	}
	if !finite(x) {
		return fmt.Errorf("%s must be finite, got %g", name, x)
	}
	switch d {
	case positive:
		if !(x > 0) {
			return fmt.Errorf("%s must be positive, got %g", name, x)
		}
	case nonNegative:
		if !(x >= 0) {
			return fmt.Errorf("%s must be non-negative, got %g", name, x)
		}
	case probability:
		if !(x >= 0 && x <= 1) {
			return fmt.Errorf("%s must be in [0, 1], got %g", name, x)
		}
	case openUnit:
		if !(x > 0 && x < 1) {
			return fmt.Errorf("%s must be in (0, 1), got %g", name, x)
		}
	case countParam:
		if !isCount(x) {
			return fmt.Errorf("%s must be a non-negative integer, got %g", name, x)
		}
	case integerParam:
		if !isInteger(x) {
			return fmt.Errorf("%s must be an integer, got %g", name, x)
		}
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// integral reports whether the domain holds integers only: a parameter
// whose derivative is reported as 0.
func (d domain) integral() bool { return d == countParam || d == integerParam }

func isInteger(x float64) bool { return x == math.Floor(x) && !math.IsInf(x, 0) }

func isCount(x float64) bool { return x >= 0 && x == math.Floor(x) && !math.IsInf(x, 1) }

var domainNames = [...]string{
	anyReal: "real", positive: "positive", nonNegative: "non-negative",
	probability: "probability", openUnit: "open unit interval", countParam: "count",
	integerParam: "integer", boundParam: "bound",
}

// String names the domain as the catalogue does.
func (d domain) String() string { return domainNames[d] }
