package expr

import (
	"math"
	"testing"

	"github.com/exmc/exmc/core/ops"
	"github.com/exmc/exmc/core/shape"
)

func ip(i int) *int { return &i }

func ax(i int) Attrs { return Attrs{Axis: &i} }

// fwdCase is one forward evaluation with its expected numpy result.
type fwdCase struct {
	name   string
	op     string
	attrs  Attrs
	args   [][]float64
	shapes [][]int
	want   []float64
	shape  []int
}

var (
	s0  = []int{}
	v2  = []int{2}
	v3  = []int{3}
	m23 = []int{2, 3}
)

var fwdCases = []fwdCase{
	{"add broadcast row", "add", Attrs{}, [][]float64{{1, 2, 3, 4, 5, 6}, {10, 20, 30}}, [][]int{m23, v3},
		[]float64{11, 22, 33, 14, 25, 36}, m23},
	{"add broadcast column", "add", Attrs{}, [][]float64{{1, 2}, {10, 20, 30}}, [][]int{{2, 1}, v3},
		[]float64{11, 21, 31, 12, 22, 32}, m23},
	{"sub scalar left", "sub", Attrs{}, [][]float64{{10}, {1, 2, 3}}, [][]int{s0, v3}, []float64{9, 8, 7}, v3},
	{"sub same", "sub", Attrs{}, [][]float64{{5, 5}, {1, 7}}, [][]int{v2, v2}, []float64{4, -2}, v2},
	{"mul outer", "mul", Attrs{}, [][]float64{{1, 2}, {1, 10, 100}}, [][]int{{2, 1}, {1, 3}},
		[]float64{1, 10, 100, 2, 20, 200}, m23},
	{"mul scalar right", "mul", Attrs{}, [][]float64{{1, 2, 3}, {2}}, [][]int{v3, {1}}, []float64{2, 4, 6}, v3},
	{"div scalar right", "div", Attrs{}, [][]float64{{1, 2, 3}, {2}}, [][]int{v3, s0}, []float64{0.5, 1, 1.5}, v3},
	{"div scalar left", "div", Attrs{}, [][]float64{{6}, {1, 2, 3}}, [][]int{s0, v3}, []float64{6, 3, 2}, v3},
	{"pow", "pow", Attrs{}, [][]float64{{2, 3, 4}, {3, 2, 0.5}}, [][]int{v3, v3}, []float64{8, 9, 2}, v3},
	{"pow scalar exponent", "pow", Attrs{}, [][]float64{{-2, 3}, {2}}, [][]int{v2, s0}, []float64{4, 9}, v2},
	{"maximum", "maximum", Attrs{}, [][]float64{{1, 5, 3}, {4, 2, 3}}, [][]int{v3, v3}, []float64{4, 5, 3}, v3},
	{"maximum scalar", "maximum", Attrs{}, [][]float64{{-1, 0.5, 3}, {0}}, [][]int{v3, s0}, []float64{0, 0.5, 3}, v3},
	{"minimum", "minimum", Attrs{}, [][]float64{{1, 5, 3}, {4, 2, 3}}, [][]int{v3, v3}, []float64{1, 2, 3}, v3},
	{"minimum broadcast", "minimum", Attrs{}, [][]float64{{2, 0}, {1, 3}}, [][]int{{2, 1}, v2}, []float64{1, 2, 0, 0}, []int{2, 2}},

	{"neg", "neg", Attrs{}, [][]float64{{1, -2}}, [][]int{v2}, []float64{-1, 2}, v2},
	{"exp", "exp", Attrs{}, [][]float64{{0, 1}}, [][]int{v2}, []float64{1, math.E}, v2},
	{"log", "log", Attrs{}, [][]float64{{1, math.E}}, [][]int{v2}, []float64{0, 1}, v2},
	{"log1p", "log1p", Attrs{}, [][]float64{{0, math.E - 1, 1e-20}}, [][]int{v3}, []float64{0, 1, 1e-20}, v3},
	{"expm1", "expm1", Attrs{}, [][]float64{{0, math.Ln2, 1e-20}}, [][]int{v3}, []float64{0, 1, 1e-20}, v3},
	{"sqrt", "sqrt", Attrs{}, [][]float64{{4, 2.25}}, [][]int{v2}, []float64{2, 1.5}, v2},
	{"square", "square", Attrs{}, [][]float64{{-3, 0.5}}, [][]int{v2}, []float64{9, 0.25}, v2},
	{"abs", "abs", Attrs{}, [][]float64{{-2, 3, 0}}, [][]int{v3}, []float64{2, 3, 0}, v3},
	{"sigmoid", "sigmoid", Attrs{}, [][]float64{{0, -800, 800, math.Log(3)}}, [][]int{{4}}, []float64{0.5, 0, 1, 0.75}, []int{4}},
	{"softplus", "softplus", Attrs{}, [][]float64{{0, 800, -800, math.Log(math.E - 1)}}, [][]int{{4}},
		[]float64{math.Ln2, 800, 0, 1}, []int{4}},
	{"logit", "logit", Attrs{}, [][]float64{{0.5, 0.75, 0.25}}, [][]int{v3}, []float64{0, math.Log(3), -math.Log(3)}, v3},
	{"tanh", "tanh", Attrs{}, [][]float64{{0, math.Log(2)}}, [][]int{v2}, []float64{0, 0.6}, v2},
	{"erf", "erf", Attrs{}, [][]float64{{0, 1, -1}}, [][]int{v3}, []float64{0, 0.8427007929497149, -0.8427007929497149}, v3},
	{"unary of scalar", "exp", Attrs{}, [][]float64{{0}}, [][]int{s0}, []float64{1}, s0},

	{"matmul matrix-vector", "matmul", Attrs{}, [][]float64{{1, 2, 3, 4}, {5, 6}}, [][]int{{2, 2}, v2}, []float64{17, 39}, v2},
	{"matmul vector-matrix", "matmul", Attrs{}, [][]float64{{5, 6}, {1, 2, 3, 4}}, [][]int{v2, {2, 2}}, []float64{23, 34}, v2},
	{"matmul matrix-matrix", "matmul", Attrs{}, [][]float64{{1, 2, 3, 4}, {5, 6, 7, 8}}, [][]int{{2, 2}, {2, 2}},
		[]float64{19, 22, 43, 50}, []int{2, 2}},
	{"matmul rectangular", "matmul", Attrs{}, [][]float64{{1, 2, 3, 4, 5, 6}, {1, 0, 2}}, [][]int{m23, {3, 1}},
		[]float64{7, 16}, []int{2, 1}},
	{"matmul dot", "matmul", Attrs{}, [][]float64{{1, 2, 3}, {4, 5, 6}}, [][]int{v3, v3}, []float64{32}, s0},
	{"matmul empty inner", "matmul", Attrs{}, [][]float64{{}, {}}, [][]int{{2, 0}, {0, 3}}, make([]float64, 6), m23},

	{"gather negative", "gather", Attrs{}, [][]float64{{10, 20, 30}, {2, 0, -1, 1}}, [][]int{v3, {4}},
		[]float64{30, 10, 30, 20}, []int{4}},
	{"gather rows", "gather", Attrs{}, [][]float64{{1, 2, 3, 4, 5, 6}, {1, 0, 1}}, [][]int{m23, v3},
		[]float64{4, 5, 6, 1, 2, 3, 4, 5, 6}, []int{3, 3}},
	{"gather columns", "gather", ax(1), [][]float64{{1, 2, 3, 4, 5, 6}, {2, 2}}, [][]int{m23, v2},
		[]float64{3, 3, 6, 6}, []int{2, 2}},
	{"gather axis -1", "gather", ax(-1), [][]float64{{1, 2, 3, 4, 5, 6}, {-3}}, [][]int{m23, {1}},
		[]float64{1, 4}, []int{2, 1}},
	{"gather 2-d index", "gather", Attrs{}, [][]float64{{10, 20, 30}, {0, 1, 2, 0}}, [][]int{v3, {2, 2}},
		[]float64{10, 20, 30, 10}, []int{2, 2}},
	{"gather scalar index", "gather", Attrs{}, [][]float64{{1, 2, 3, 4, 5, 6}, {1}}, [][]int{m23, s0},
		[]float64{4, 5, 6}, v3},
	{"gather middle axis", "gather", ax(1), [][]float64{{0, 1, 2, 3, 4, 5, 6, 7}, {1}}, [][]int{{2, 2, 2}, {1}},
		[]float64{2, 3, 6, 7}, []int{2, 1, 2}},
	{"gather empty index", "gather", Attrs{}, [][]float64{{1, 2}, {}}, [][]int{v2, {0}}, []float64{}, []int{0}},

	{"slice", "slice", Attrs{Start: ip(1), Stop: ip(4)}, [][]float64{{0, 1, 2, 3, 4, 5}}, [][]int{{6}}, []float64{1, 2, 3}, v3},
	{"slice reversed", "slice", Attrs{Step: ip(-1)}, [][]float64{{0, 1, 2}}, [][]int{v3}, []float64{2, 1, 0}, v3},
	{"slice negative start", "slice", Attrs{Start: ip(-2)}, [][]float64{{0, 1, 2, 3, 4, 5}}, [][]int{{6}}, []float64{4, 5}, v2},
	{"slice step 2", "slice", Attrs{Step: ip(2)}, [][]float64{{0, 1, 2, 3, 4, 5}}, [][]int{{6}}, []float64{0, 2, 4}, v3},
	{"slice backward step 2", "slice", Attrs{Start: ip(4), Stop: ip(0), Step: ip(-2)}, [][]float64{{0, 1, 2, 3, 4, 5}},
		[][]int{{6}}, []float64{4, 2}, v2},
	{"slice backward past start", "slice", Attrs{Start: ip(2), Stop: ip(-10), Step: ip(-1)}, [][]float64{{0, 1, 2, 3, 4, 5}},
		[][]int{{6}}, []float64{2, 1, 0}, v3},
	{"slice backward clamped start", "slice", Attrs{Start: ip(10), Stop: ip(3), Step: ip(-1)}, [][]float64{{0, 1, 2, 3, 4, 5}},
		[][]int{{6}}, []float64{5, 4}, v2},
	{"slice empty", "slice", Attrs{Start: ip(10)}, [][]float64{{0, 1, 2}}, [][]int{v3}, []float64{}, []int{0}},
	{"slice crossed", "slice", Attrs{Start: ip(2), Stop: ip(1)}, [][]float64{{0, 1, 2}}, [][]int{v3}, []float64{}, []int{0}},
	{"slice columns", "slice", Attrs{Axis: ip(1), Start: ip(1)}, [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{m23},
		[]float64{2, 3, 5, 6}, []int{2, 2}},
	{"slice columns reversed", "slice", Attrs{Axis: ip(-1), Step: ip(-2)}, [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{m23},
		[]float64{3, 1, 6, 4}, []int{2, 2}},

	{"sum all", "sum", Attrs{}, [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{m23}, []float64{21}, s0},
	{"sum axis 0", "sum", ax(0), [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{m23}, []float64{5, 7, 9}, v3},
	{"sum axis 1", "sum", ax(1), [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{m23}, []float64{6, 15}, v2},
	{"sum axis -1", "sum", ax(-1), [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{m23}, []float64{6, 15}, v2},
	{"sum middle axis", "sum", ax(1), [][]float64{{0, 1, 2, 3, 4, 5, 6, 7}}, [][]int{{2, 2, 2}}, []float64{2, 4, 10, 12}, []int{2, 2}},
	{"sum of scalar", "sum", Attrs{}, [][]float64{{4}}, [][]int{s0}, []float64{4}, s0},
	{"sum empty", "sum", Attrs{}, [][]float64{{}}, [][]int{{0}}, []float64{0}, s0},
	{"mean all", "mean", Attrs{}, [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{m23}, []float64{3.5}, s0},
	{"mean axis 0", "mean", ax(0), [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{m23}, []float64{2.5, 3.5, 4.5}, v3},
	{"mean axis 1", "mean", ax(1), [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{m23}, []float64{2, 5}, v2},
	{"mean empty", "mean", Attrs{}, [][]float64{{}}, [][]int{{0}}, []float64{math.NaN()}, s0},

	// values of scipy.special and numpy, printed with repr
	{"erfc", "erfc", Attrs{}, [][]float64{{-1, 0.5, 3}}, [][]int{v3},
		[]float64{1.8427007929497148, 0.4795001221869535, 2.2090496998585445e-05}, v3},
	{"erfcx", "erfcx", Attrs{}, [][]float64{{-1, 0.5, 30}}, [][]int{v3},
		[]float64{5.008980080762283, 0.6156903441929258, 0.018795888861416754}, v3},
	{"log_ndtr", "log_ndtr", Attrs{}, [][]float64{{-40, -1, 0}}, [][]int{v3},
		[]float64{-804.6084420137539, -1.8410216450092634, -math.Ln2}, v3},
	{"digamma", "digamma", Attrs{}, [][]float64{{0.5, 3, -1.5}}, [][]int{v3},
		[]float64{-1.9635100260214235, 0.9227843350984671, 0.7031566406452434}, v3},
	{"sin", "sin", Attrs{}, [][]float64{{0.5, -2}}, [][]int{v2}, []float64{0.479425538604203, -0.9092974268256817}, v2},
	{"cos", "cos", Attrs{}, [][]float64{{0.5, -2}}, [][]int{v2}, []float64{0.8775825618903728, -0.4161468365471424}, v2},
	{"floor", "floor", Attrs{}, [][]float64{{-1.5, 0.5, 2}}, [][]int{v3}, []float64{-2, 0, 2}, v3},
	{"ceil", "ceil", Attrs{}, [][]float64{{-1.5, 0.5, 2}}, [][]int{v3}, []float64{-1, 1, 2}, v3},
	// half to even, as numpy's round and pt.round
	{"round", "round", Attrs{}, [][]float64{{-1.5, 0.5, 2.5, 2.6}}, [][]int{{4}}, []float64{-2, 0, 2, 3}, []int{4}},
	{"logaddexp", "logaddexp", Attrs{}, [][]float64{{1, 1000, math.Inf(-1)}, {2, 1001, math.Inf(-1)}}, [][]int{v3, v3},
		[]float64{2.313261687518223, 1001.3132616875182, math.Inf(-1)}, v3},
	// log pi, log 1/12, log 2/(20*21*22)
	{"betaln", "betaln", Attrs{}, [][]float64{{0.5, 2, 20}, {0.5, 3, 3}}, [][]int{v3, v3},
		[]float64{math.Log(math.Pi), math.Log(1.0 / 12), math.Log(2.0 / (20 * 21 * 22))}, v3},
	{"cumprod", "cumprod", Attrs{}, [][]float64{{2, 0.5, 3}}, [][]int{v3}, []float64{2, 1, 3}, v3},
	{"cumprod axis 1", "cumprod", ax(1), [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{m23}, []float64{1, 2, 6, 4, 20, 120}, m23},
	{"cumsum", "cumsum", Attrs{}, [][]float64{{1, 2, 3}}, [][]int{v3}, []float64{1, 3, 6}, v3},
	{"cumsum axis 0", "cumsum", Attrs{}, [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{m23}, []float64{1, 2, 3, 5, 7, 9}, m23},
	{"cumsum axis 1", "cumsum", ax(1), [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{m23}, []float64{1, 3, 6, 4, 9, 15}, m23},
	{"cumsum axis -1", "cumsum", ax(-1), [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{m23}, []float64{1, 3, 6, 4, 9, 15}, m23},

	{"stack", "stack", Attrs{}, [][]float64{{1, 2}, {3, 4}}, [][]int{v2, v2}, []float64{1, 2, 3, 4}, []int{2, 2}},
	{"stack axis 1", "stack", ax(1), [][]float64{{1, 2}, {3, 4}, {5, 6}}, [][]int{v2, v2, v2}, []float64{1, 3, 5, 2, 4, 6}, []int{2, 3}},
	{"stack axis -1", "stack", ax(-1), [][]float64{{1, 2}, {3, 4}}, [][]int{v2, v2}, []float64{1, 3, 2, 4}, []int{2, 2}},
	{"stack scalars", "stack", Attrs{}, [][]float64{{1}, {2}, {3}}, [][]int{s0, s0, s0}, []float64{1, 2, 3}, v3},
	{"stack matrices axis 1", "stack", ax(1), [][]float64{{1, 2, 3, 4}, {5, 6, 7, 8}}, [][]int{{2, 2}, {2, 2}},
		[]float64{1, 2, 5, 6, 3, 4, 7, 8}, []int{2, 2, 2}},
	{"concatenate", "concatenate", Attrs{}, [][]float64{{1, 2}, {3}}, [][]int{v2, {1}}, []float64{1, 2, 3}, v3},
	{"concatenate axis 1", "concatenate", ax(1), [][]float64{{1, 2}, {5, 6, 7, 8}}, [][]int{{2, 1}, {2, 2}},
		[]float64{1, 5, 6, 2, 7, 8}, m23},
	{"concatenate axis 0", "concatenate", Attrs{}, [][]float64{{1, 2}, {5, 6, 7, 8}}, [][]int{{1, 2}, {2, 2}},
		[]float64{1, 2, 5, 6, 7, 8}, []int{3, 2}},
	{"concatenate one", "concatenate", Attrs{}, [][]float64{{1, 2}}, [][]int{v2}, []float64{1, 2}, v2},

	{"reshape", "reshape", Attrs{Shape: []int{3, -1}}, [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{m23},
		[]float64{1, 2, 3, 4, 5, 6}, []int{3, 2}},
	{"reshape to scalar", "reshape", Attrs{}, [][]float64{{7}}, [][]int{{1, 1}}, []float64{7}, s0},
	{"reshape from scalar", "reshape", Attrs{Shape: []int{1, -1}}, [][]float64{{7}}, [][]int{s0}, []float64{7}, []int{1, 1}},

	{"transpose", "transpose", Attrs{}, [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{m23}, []float64{1, 4, 2, 5, 3, 6}, []int{3, 2}},
	{"transpose perm", "transpose", Attrs{Perm: []int{2, 0, 1}}, [][]float64{{0, 1, 2, 3, 4, 5, 6, 7}}, [][]int{{2, 2, 2}},
		[]float64{0, 2, 4, 6, 1, 3, 5, 7}, []int{2, 2, 2}},
	{"transpose negative perm", "transpose", Attrs{Perm: []int{-1, 0}}, [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{m23},
		[]float64{1, 4, 2, 5, 3, 6}, []int{3, 2}},
	{"transpose identity", "transpose", Attrs{Perm: []int{0, 1}}, [][]float64{{1, 2, 3, 4, 5, 6}}, [][]int{m23},
		[]float64{1, 2, 3, 4, 5, 6}, m23},
	{"transpose scalar", "transpose", Attrs{}, [][]float64{{3}}, [][]int{s0}, []float64{3}, s0},
}

func TestForward(t *testing.T) {
	for _, c := range append(fwdCases, linalgFwdCases...) {
		got, shp, err := Eval(c.op, c.attrs, c.args, c.shapes)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !shape.Equal(shp, c.shape) {
			t.Errorf("%s: shape %s, want %s", c.name, shape.String(shp), shape.String(c.shape))
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: %d values, want %d", c.name, len(got), len(c.want))
			continue
		}
		for i := range got {
			// Hand-computed values are exact or correctly rounded, so a few
			// ulps cover every op's rounding.
			if !closeTo(got[i], c.want[i], 1e-15) {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
				break
			}
		}
	}
}

func closeTo(x, y, rel float64) bool {
	if math.IsNaN(x) || math.IsNaN(y) {
		return math.IsNaN(x) && math.IsNaN(y)
	}
	return x == y || math.Abs(x-y) <= rel*math.Max(math.Abs(x), math.Abs(y))
}

// Every op must have a forward case, so a new op cannot slip in untested.
func TestForwardCoversCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range append(fwdCases, linalgFwdCases...) {
		seen[c.op] = true
	}
	for _, op := range ops.Names() {
		if !seen[op] {
			t.Errorf("no forward case for %s", op)
		}
	}
}
