/* Calls an ember.aot shared object from C: reads each input from inputN.bin (raw row-major data, sizes from
 * the metadata the object exports), runs it, and writes each output to outputN.bin. No Python, no ember.
 *   ./run DIR       (DIR holds the inputs; examples/aot/persample.py writes them) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "persample.h"

static size_t itemsize(const char* dtype) {
  if (strstr(dtype, "64")) return 8;
  if (strstr(dtype, "32")) return 4;
  if (strstr(dtype, "16")) return 2;
  return 1;
}

static size_t nbytes(int rank, const int64_t* shape, const char* dtype) {
  size_t n = itemsize(dtype);
  for (int d = 0; d < rank; ++d) n *= (size_t)shape[d];
  return n;
}

int main(int argc, char** argv) {
  const char* dir = argc > 1 ? argv[1] : ".";
  char path[4096];
  int n_in = persample_num_inputs(), n_out = persample_num_outputs();
  const void** inputs = calloc((size_t)n_in, sizeof(void*));
  void** outputs = calloc((size_t)n_out, sizeof(void*));
  for (int i = 0; i < n_in; ++i) {
    size_t size = nbytes(persample_input_rank(i), persample_input_shape(i), persample_input_dtype(i));
    void* data = malloc(size ? size : 1);
    snprintf(path, sizeof path, "%s/input%d.bin", dir, i);
    FILE* f = fopen(path, "rb");
    if (!f || fread(data, 1, size, f) != size) {
      fprintf(stderr, "cannot read %zu bytes from %s\n", size, path);
      return 1;
    }
    fclose(f);
    inputs[i] = data;
  }
  for (int i = 0; i < n_out; ++i)
    outputs[i] = malloc(nbytes(persample_output_rank(i), persample_output_shape(i), persample_output_dtype(i)) + 1);
  size_t ws = persample_workspace_size();
  void* workspace = ws ? aligned_alloc(64, (ws + 63) / 64 * 64) : NULL;
  int code = persample_run(inputs, outputs, workspace);
  if (code != PERSAMPLE_OK) {
    fprintf(stderr, "persample_run: %s\n", persample_error_string(code));
    return 2;
  }
  for (int i = 0; i < n_out; ++i) {
    snprintf(path, sizeof path, "%s/output%d.bin", dir, i);
    FILE* f = fopen(path, "wb");
    fwrite(outputs[i], 1, nbytes(persample_output_rank(i), persample_output_shape(i), persample_output_dtype(i)), f);
    fclose(f);
  }
  printf("persample: %d inputs, %d outputs, workspace %zu bytes: ok\n", n_in, n_out, ws);
  return 0;
}
