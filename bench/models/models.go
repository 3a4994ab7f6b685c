package models

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/exmc/exmc/core/expr"
	"github.com/exmc/exmc/core/model"
)

// Names lists the models in the order of MODELS.md.
var Names = []string{"simple", "medium", "stress", "eight_schools", "funnel", "logistic", "sv"}

// DataDir is bench/data in a checkout of exmc.
func DataDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "data")
}

// Build returns the named model as MODELS.md writes it (centred; exmc's
// automatic non-centring applies unless centred is true, which switches
// it off).
func Build(name string, centred bool) (*model.Model, error) {
	b := model.NewBuilder()
	if centred {
		b.CenteredModel()
	}
	var err error
	switch name {
	case "simple":
		err = simple(b)
	case "medium":
		err = medium(b)
	case "stress":
		err = stress(b)
	case "eight_schools":
		err = eightSchools(b)
	case "funnel":
		funnel(b)
	case "logistic":
		err = logistic(b)
	case "sv":
		err = sv(b)
	default:
		return nil, fmt.Errorf("unknown benchmark model %q", name)
	}
	if err != nil {
		return nil, err
	}
	return b.Model()
}

func load(name string, v any) error {
	if name == "" {
		return nil
	}
	raw, err := os.ReadFile(filepath.Join(DataDir(), name+".json"))
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

func simple(b *model.Builder) error {
	var d struct{ Y []float64 }
	if err := load("simple", &d); err != nil {
		return err
	}
	b.Data("y", d.Y)
	b.RV("mu", "Normal", model.P{"mu": 0, "sigma": 10})
	b.RV("sigma", "Exponential", model.P{"lam": 1})
	b.Obs("y_obs", "Normal", model.P{"mu": "mu", "sigma": "sigma"}, "y")
	return nil
}

func medium(b *model.Builder) error {
	var d struct {
		YAlpha []float64 `json:"y_alpha"`
		YBeta  []float64 `json:"y_beta"`
	}
	if err := load("medium", &d); err != nil {
		return err
	}
	b.Data("y_alpha_data", d.YAlpha).Data("y_beta_data", d.YBeta)
	b.RV("mu_global", "Normal", model.P{"mu": 0, "sigma": 10})
	b.RV("sigma_global", "Exponential", model.P{"lam": 1})
	b.RV("alpha", "Normal", model.P{"mu": "mu_global", "sigma": "sigma_global"})
	b.RV("beta", "Normal", model.P{"mu": "mu_global", "sigma": "sigma_global"})
	b.RV("sigma_obs", "Exponential", model.P{"lam": 2})
	b.Obs("y_alpha", "Normal", model.P{"mu": "alpha", "sigma": "sigma_obs"}, "y_alpha_data")
	b.Obs("y_beta", "Normal", model.P{"mu": "beta", "sigma": "sigma_obs"}, "y_beta_data")
	return nil
}

func stress(b *model.Builder) error {
	var d struct{ Y [][]float64 }
	if err := load("stress", &d); err != nil {
		return err
	}
	g, n := len(d.Y), len(d.Y[0])
	var flat []float64
	for _, row := range d.Y {
		flat = append(flat, row...)
	}
	b.Data("y", flat, model.Shape(g, n))
	b.RV("mu_pop", "Normal", model.P{"mu": 0, "sigma": 10})
	b.RV("sigma_pop", "Exponential", model.P{"lam": 1})
	b.RV("alpha", "Normal", model.P{"mu": "mu_pop", "sigma": "sigma_pop"}, model.Shape(g))
	b.RV("sigma", "Exponential", model.P{"lam": 1}, model.Shape(g))
	col := func(v string) *model.Expr { return model.Call("reshape", expr.Attrs{Shape: []int{g, 1}}, v) }
	b.Obs("y_obs", "Normal", model.P{"mu": col("alpha"), "sigma": col("sigma")}, "y")
	return nil
}

func eightSchools(b *model.Builder) error {
	var d struct{ Y, Sigma []float64 }
	if err := load("eight_schools", &d); err != nil {
		return err
	}
	b.Data("y", d.Y).Data("sigma", d.Sigma)
	b.RV("mu", "Normal", model.P{"mu": 0, "sigma": 5})
	b.RV("tau", "HalfNormal", model.P{"sigma": 5})
	b.RV("theta", "Normal", model.P{"mu": "mu", "sigma": "tau"}, model.Shape(len(d.Y)))
	b.Obs("y_obs", "Normal", model.P{"mu": "theta", "sigma": "sigma"}, "y")
	return nil
}

func funnel(b *model.Builder) {
	b.RV("v", "Normal", model.P{"mu": 0, "sigma": 3})
	b.RV("x", "Normal", model.P{"mu": 0, "sigma": model.Exp(model.Div("v", 2))}, model.Shape(9))
}

func logistic(b *model.Builder) error {
	var d struct {
		X [][]float64
		Y []float64
	}
	if err := load("logistic", &d); err != nil {
		return err
	}
	var flat []float64
	for _, row := range d.X {
		flat = append(flat, row...)
	}
	k := len(d.X[0])
	b.Data("X", flat, model.Shape(len(d.X), k)).Data("y", d.Y)
	b.RV("alpha", "Normal", model.P{"mu": 0, "sigma": 10})
	b.RV("beta", "Normal", model.P{"mu": 0, "sigma": 10}, model.Shape(k))
	b.Obs("y_obs", "Bernoulli", model.P{"logit_p": model.Add("alpha", model.MatMul("X", "beta"))}, "y")
	return nil
}

func sv(b *model.Builder) error {
	var d struct{ R []float64 }
	if err := load("sv", &d); err != nil {
		return err
	}
	b.Data("r", d.R)
	b.RV("sigma", "Exponential", model.P{"lam": 50})
	b.RV("nu", "Exponential", model.P{"lam": 0.1})
	b.RV("s", "GaussianRandomWalk", model.P{"sigma": "sigma", "init_sigma": "sigma"}, model.Shape(len(d.R)))
	b.Obs("r_obs", "StudentT", model.P{"nu": "nu", "mu": 0, "sigma": model.Exp("s")}, "r")
	return nil
}
