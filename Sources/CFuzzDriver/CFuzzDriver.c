// The header declares libFuzzer's LLVMFuzzerRunDriver; libFuzzer itself is linked by -sanitize=fuzzer.
#include "CFuzzDriver.h"
