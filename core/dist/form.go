package dist

// form names the hand-fused loop a variant may take in place of the
// generic one, which calls its Kernel element by element.
type form uint8

const (
	fGeneric form = iota
	fNormal
	fStudentT
	fBernoulliLogit
	fExponential
	fHalfNormal
	fWalk // a random walk along the last axis
)

// maxParams bounds the parameter count of any variant.
// A censored or truncated variant takes its base's and its bounds: six
// leaves room for a base of four (SkewStudentT) and two bounds.
const maxParams = 6
