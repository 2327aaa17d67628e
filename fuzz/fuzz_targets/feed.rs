#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| newsdex_fuzzing::feed(data));
