package compile

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/exmc/exmc/core/model"
)

// BenchmarkHierRegression is the gradient of a regression with varying
// intercepts and slopes, mu = a[g] + b[g] * x, y ~ Normal(mu, sigma), as
// PyMC users write it, fused (the default) and not (Options.NoFuse).
func BenchmarkHierRegression(b *testing.B) {
	for _, size := range [][2]int{{500, 10_000}, {5000, 100_000}} {
		groups, n := size[0], size[1]
		m := fusionModel(b, n, groups, "", func(mb *model.Builder, y []float64) {
			mb.Obs("y", "Normal", model.P{"mu": call("add", ga(), call("mul", gb(), "x")), "sigma": "s"}, y)
		})
		for _, fuse := range []bool{false, true} {
			b.Run(fmt.Sprintf("%dx%d/fuse=%v", groups, n, fuse), func(b *testing.B) {
				c, err := CompileWith(m.Clone(), nil, Options{NoFuse: !fuse})
				if err != nil {
					b.Fatal(err)
				}
				benchGradient(b, c, randPoint(rand.New(rand.NewPCG(1, 2)), c.Dim()))
			})
		}
	}
}
