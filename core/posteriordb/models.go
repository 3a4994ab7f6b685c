package posteriordb

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/exmc/exmc/core/expr"
	"github.com/exmc/exmc/core/model"
)

// Case pairs a reference posterior with the exmc model of it.
type Case struct {
	Posterior string // reference file stem
	Data      string // data file stem
	Build     func(d map[string]json.RawMessage) (*model.Model, error)
}

// Cases lists the posteriors exmc's core can express directly. (garch's
// volatility recursion needs a scan, which the core's ops do not have.)
var Cases = []Case{
	{"eight_schools-eight_schools_noncentered", "eight_schools", eightSchoolsNoncentered},
	{"kidiq-kidscore_momiq", "kidiq", kidiq},
	{"mesquite-logmesquite", "mesquite", mesquite},
	{"arK-arK", "arK", arK},
	{"earnings-logearn_interaction", "earnings", earnings},
	{"kilpisjarvi_mod-kilpisjarvi", "kilpisjarvi_mod", kilpisjarvi},
	{"sblri-blr", "sblri", sblri},
}

// Lookup finds a case by its posterior name.
func Lookup(posterior string) (Case, error) {
	for _, c := range Cases {
		if c.Posterior == posterior {
			return c, nil
		}
	}
	return Case{}, fmt.Errorf("no case for posterior %q", posterior)
}

// StanName names element idx (row-major) of a variable of the given shape
// as Stan does: 1-based, "beta[2]", "x[1,3]".
func StanName(name string, shp []int, idx int) string {
	if len(shp) == 0 {
		return name
	}
	parts := make([]string, len(shp))
	for ax := len(shp) - 1; ax >= 0; ax-- {
		parts[ax] = strconv.Itoa(idx%shp[ax] + 1)
		idx /= shp[ax]
	}
	return name + "[" + strings.Join(parts, ",") + "]"
}

func floats(d map[string]json.RawMessage, key string) ([]float64, error) {
	var v []float64
	if err := json.Unmarshal(d[key], &v); err != nil {
		return nil, fmt.Errorf("data %q: %w", key, err)
	}
	return v, nil
}

func scalar(d map[string]json.RawMessage, key string) (float64, error) {
	var v float64
	if err := json.Unmarshal(d[key], &v); err != nil {
		return 0, fmt.Errorf("data %q: %w", key, err)
	}
	return v, nil
}

func eightSchoolsNoncentered(d map[string]json.RawMessage) (*model.Model, error) {
	y, err := floats(d, "y")
	if err != nil {
		return nil, err
	}
	sigma, err := floats(d, "sigma")
	if err != nil {
		return nil, err
	}
	b := model.NewBuilder()
	b.Data("y", y).Data("sigma", sigma)
	b.RV("theta_trans", "Normal", model.P{"mu": 0, "sigma": 1}, model.Shape(len(y)))
	b.RV("mu", "Normal", model.P{"mu": 0, "sigma": 5})
	b.RV("tau", "HalfCauchy", model.P{"beta": 5})
	b.Det("theta", model.Add("mu", model.Mul("tau", "theta_trans")))
	b.Obs("y_obs", "Normal", model.P{"mu": "theta", "sigma": "sigma"}, "y")
	return b.Model()
}

func kidiq(d map[string]json.RawMessage) (*model.Model, error) {
	score, err := floats(d, "kid_score")
	if err != nil {
		return nil, err
	}
	momIQ, err := floats(d, "mom_iq")
	if err != nil {
		return nil, err
	}
	b := model.NewBuilder()
	b.Data("kid_score", score).Data("mom_iq", momIQ)
	b.RV("beta", "Flat", nil, model.Shape(2))
	b.RV("sigma", "HalfCauchy", model.P{"beta": 2.5})
	zero, one, two := 0, 1, 2
	first := model.Call("slice", sliceAttrs(zero, one), "beta")
	second := model.Call("slice", sliceAttrs(one, two), "beta")
	b.Obs("y", "Normal", model.P{"mu": model.Add(first, model.Mul(second, "mom_iq")), "sigma": "sigma"}, "kid_score")
	return b.Model()
}

func mesquite(d map[string]json.RawMessage) (*model.Model, error) {
	b := model.NewBuilder()
	cols := []any{}
	weight, err := floats(d, "weight")
	if err != nil {
		return nil, err
	}
	ones := make([]float64, len(weight))
	for i := range ones {
		ones[i] = 1
	}
	b.Data("ones", ones)
	cols = append(cols, "ones")
	for _, k := range []string{"diam1", "diam2", "canopy_height", "total_height", "density"} {
		v, err := floats(d, k)
		if err != nil {
			return nil, err
		}
		b.Data(k, v)
		cols = append(cols, model.Log(k))
	}
	group, err := floats(d, "group")
	if err != nil {
		return nil, err
	}
	b.Data("group", group).Data("weight", weight)
	cols = append(cols, "group")
	b.Det("X", model.Call("stack", model.Axis(1), cols...))
	b.RV("beta", "Flat", nil, model.Shape(7))
	b.RV("sigma", "HalfFlat", nil)
	b.Obs("log_weight", "Normal", model.P{"mu": model.MatMul("X", "beta"), "sigma": "sigma"}, model.Log("weight"))
	return b.Model()
}

func arK(d map[string]json.RawMessage) (*model.Model, error) {
	y, err := floats(d, "y")
	if err != nil {
		return nil, err
	}
	kf, err := scalar(d, "K")
	if err != nil {
		return nil, err
	}
	k := int(kf)
	// Row t of the lag matrix holds y[t-1], ..., y[t-K] for the observed
	// y[t], t = K..T-1 (0-based), so the mean is one matrix-vector product.
	n := len(y) - k
	lags := make([]float64, 0, n*k)
	for t := k; t < len(y); t++ {
		for j := 1; j <= k; j++ {
			lags = append(lags, y[t-j])
		}
	}
	b := model.NewBuilder()
	b.Data("lags", lags, model.Shape(n, k)).Data("y", y[k:])
	b.RV("alpha", "Normal", model.P{"mu": 0, "sigma": 10})
	b.RV("beta", "Normal", model.P{"mu": 0, "sigma": 10}, model.Shape(k))
	b.RV("sigma", "HalfCauchy", model.P{"beta": 2.5})
	b.Obs("y_obs", "Normal", model.P{"mu": model.Add("alpha", model.MatMul("lags", "beta")), "sigma": "sigma"}, "y")
	return b.Model()
}

func earnings(d map[string]json.RawMessage) (*model.Model, error) {
	earn, err := floats(d, "earn")
	if err != nil {
		return nil, err
	}
	height, err := floats(d, "height")
	if err != nil {
		return nil, err
	}
	male, err := floats(d, "male")
	if err != nil {
		return nil, err
	}
	ones := make([]float64, len(earn))
	for i := range ones {
		ones[i] = 1
	}
	b := model.NewBuilder()
	b.Data("ones", ones).Data("height", height).Data("male", male).Data("earn", earn)
	b.Det("X", model.Call("stack", model.Axis(1), "ones", "height", "male", model.Mul("height", "male")))
	b.RV("beta", "Flat", nil, model.Shape(4))
	b.RV("sigma", "HalfFlat", nil)
	b.Obs("log_earn", "Normal", model.P{"mu": model.MatMul("X", "beta"), "sigma": "sigma"}, model.Log("earn"))
	return b.Model()
}

func kilpisjarvi(d map[string]json.RawMessage) (*model.Model, error) {
	x, err := floats(d, "x")
	if err != nil {
		return nil, err
	}
	y, err := floats(d, "y")
	if err != nil {
		return nil, err
	}
	p := map[string]float64{}
	for _, k := range []string{"pmualpha", "psalpha", "pmubeta", "psbeta"} {
		if p[k], err = scalar(d, k); err != nil {
			return nil, err
		}
	}
	b := model.NewBuilder()
	b.Data("x", x).Data("y", y)
	b.RV("alpha", "Normal", model.P{"mu": p["pmualpha"], "sigma": p["psalpha"]})
	b.RV("beta", "Normal", model.P{"mu": p["pmubeta"], "sigma": p["psbeta"]})
	b.RV("sigma", "HalfFlat", nil)
	b.Obs("y_obs", "Normal", model.P{"mu": model.Add("alpha", model.Mul("beta", "x")), "sigma": "sigma"}, "y")
	return b.Model()
}

func sblri(d map[string]json.RawMessage) (*model.Model, error) {
	var rows [][]float64
	if err := json.Unmarshal(d["X"], &rows); err != nil {
		return nil, fmt.Errorf("data \"X\": %w", err)
	}
	y, err := floats(d, "y")
	if err != nil {
		return nil, err
	}
	var flat []float64
	for _, r := range rows {
		flat = append(flat, r...)
	}
	k := len(rows[0])
	b := model.NewBuilder()
	b.Data("X", flat, model.Shape(len(rows), k)).Data("y", y)
	b.RV("beta", "Normal", model.P{"mu": 0, "sigma": 10}, model.Shape(k))
	b.RV("sigma", "HalfNormal", model.P{"sigma": 10})
	b.Obs("y_obs", "Normal", model.P{"mu": model.MatMul("X", "beta"), "sigma": "sigma"}, "y")
	return b.Model()
}

func sliceAttrs(start, stop int) expr.Attrs {
	return expr.Attrs{Start: &start, Stop: &stop}
}
