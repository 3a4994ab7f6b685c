// The eight schools model, sampled with libexmc from C++17.
//
// Build and run (from the repository root, after `make lib`):
//
//   g++ -std=c++17 -Wall -O2 -Iinclude examples/eight_schools.cpp -Lbuild/out -lexmc
//       -Wl,-rpath,build/out -o eight_schools_cpp
//   ./eight_schools_cpp
//
// The C interface wrapped the C++ way: handles and Arrow structures are
// owned by objects that release them, and errors become exceptions.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "exmc.h"

namespace {

constexpr std::string_view kModel = R"({
  "format": "exmc.model/v1",
  "coords": {"school": ["A", "B", "C", "D", "E", "F", "G", "H"]},
  "nodes": [
    {"name": "y_obs", "kind": "data", "shape": [8], "values": [28, 8, -3, 7, -1, 1, 18, 12]},
    {"name": "sigma", "kind": "data", "shape": [8], "values": [15, 10, 16, 11, 9, 11, 10, 18]},
    {"name": "mu", "kind": "free", "dist": "Normal", "params": {"mu": 0, "sigma": 5}},
    {"name": "tau", "kind": "free", "dist": "HalfCauchy", "params": {"beta": 5}},
    {"name": "theta", "kind": "free", "dist": "Normal", "shape": [8], "dims": ["school"],
     "params": {"mu": {"ref": "mu"}, "sigma": {"ref": "tau"}}},
    {"name": "y", "kind": "observed", "dist": "Normal", "dims": ["school"],
     "params": {"mu": {"ref": "theta"}, "sigma": {"ref": "sigma"}}, "observed": {"ref": "y_obs"}}
  ]
})";

// Throws the library's message when rc is an error; frees the message.
void check(int rc, char* err, const char* what) {
  if (rc >= EXMC_OK) return;
  std::string msg = std::string(what) + ": " + (err ? err : "no message");
  exmc_free_error(err);
  throw std::runtime_error(msg);
}

struct ModelDeleter {
  void operator()(exmc_model* m) const { exmc_model_free(m); }
};
using Model = std::unique_ptr<exmc_model, ModelDeleter>;

Model model_from_json(std::string_view json) {
  exmc_model* m = nullptr;
  char* err = nullptr;
  check(exmc_model_from_json(json.data(), json.size(), &m, &err), err, "exmc_model_from_json");
  return Model(m);
}

// Owns one Arrow C structure and calls its release callback once.
template <typename T>
class Owned {
 public:
  Owned() { std::memset(&value_, 0, sizeof value_); }
  ~Owned() {
    if (value_.release) value_.release(&value_);
  }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  T* get() { return &value_; }
  T* operator->() { return &value_; }
  T& operator*() { return value_; }

 private:
  T value_;
};

// One variable's draws: `size` values per row.
struct Column {
  std::string name;
  long size;
  const double* values;
};

struct Summary {
  std::string label;
  double mean, sd;
};

std::vector<Summary> summarise(const ArrowSchema& schema, const ArrowArray& batch) {
  auto index = [&](std::string_view name) {
    for (int64_t i = 0; i < schema.n_children; i++)
      if (name == schema.children[i]->name) return i;
    throw std::runtime_error("no column " + std::string(name));
  };
  const ArrowArray& warmup = *batch.children[index("warmup")];
  auto is_warmup = [&](int64_t row) {
    int64_t bit = row + warmup.offset;
    return (static_cast<const uint8_t*>(warmup.buffers[1])[bit / 8] >> (bit % 8)) & 1;
  };

  // The variables are the fields of the struct column "posterior" (the
  // statistics are in "sample_stats"); row r of a field is at index r from
  // its array's offset.
  const ArrowSchema& variables = *schema.children[index("posterior")];
  const ArrowArray& values = *batch.children[index("posterior")];
  std::vector<Column> columns;
  for (int64_t c = 0; c < variables.n_children; c++) {
    std::string_view format = variables.children[c]->format;
    const ArrowArray& column = *values.children[c];
    if (format == "g") {
      columns.push_back({variables.children[c]->name, 1,
                         static_cast<const double*>(column.buffers[1]) + column.offset});
    } else if (format.substr(0, 3) == "+w:") {
      long size = std::stol(std::string(format.substr(3)));
      const ArrowArray& child = *column.children[0];
      columns.push_back({variables.children[c]->name, size,
                         static_cast<const double*>(child.buffers[1]) + child.offset + column.offset * size});
    }
  }

  std::vector<Summary> out;
  for (const Column& col : columns) {
    for (long k = 0; k < col.size; k++) {
      double sum = 0, sum_sq = 0;
      int64_t n = 0;
      for (int64_t r = 0; r < batch.length; r++) {
        if (is_warmup(r)) continue;
        double v = col.values[r * col.size + k];
        sum += v;
        sum_sq += v * v;
        n++;
      }
      double mean = sum / n;
      std::string label = col.size == 1 ? col.name : col.name + "[" + std::to_string(k) + "]";
      out.push_back({label, mean, std::sqrt((sum_sq - n * mean * mean) / (n - 1))});
    }
  }
  return out;
}

}  // namespace

int main() {
  try {
    Model model = model_from_json(kModel);

    exmc_options options;
    exmc_options_default(&options);
    options.chains = 4;
    options.seed = 20240601;

    Owned<ArrowArrayStream> stream;
    char* err = nullptr;
    check(exmc_sample(model.get(), &options, stream.get(), &err), err, "exmc_sample");

    Owned<ArrowSchema> schema;
    Owned<ArrowArray> batch;
    if (stream->get_schema(stream.get(), schema.get()) != 0 || stream->get_next(stream.get(), batch.get()) != 0)
      throw std::runtime_error(std::string("reading the draws: ") + stream->get_last_error(stream.get()));

    std::cout << "eight schools (C++): " << batch->length << " draws from " << options.chains << " chains\n";
    std::printf("%-10s %10s %10s\n", "variable", "mean", "sd");
    for (const Summary& s : summarise(*schema, *batch))
      std::printf("%-10s %10.3f %10.3f\n", s.label.c_str(), s.mean, s.sd);
  } catch (const std::exception& e) {
    std::cerr << e.what() << '\n';
    return 1;
  }
  return 0;
}
