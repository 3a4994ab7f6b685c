//go:build !amd64 || purego

package fastmath

// Off amd64 (or with the purego tag) there are no vector forms:
// the slice kernels' scalar loops take every element.

const vectorOK = false

func expVector(dst, src []float64) int { return 0 }

func log1pVector(dst, src []float64) int { return 0 }
