// libFuzzer's driver, for harnesses that bring their own main (SwiftPM names an executable's
// entry point itself, so libFuzzer's own main cannot be used). Built only by `make fuzz`.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
