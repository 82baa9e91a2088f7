# Shortcuts for developers; the README's two commands are tools/run.sh and tools/test.sh, which
# need nothing but bash on a fresh Debian 12 machine.
.PHONY: run test dev bench format clean

run:
	bash tools/run.sh

test:
	bash tools/test.sh

# The everyday loop: Debug with ASan and UBSan.
dev:
	cmake --preset dev
	cmake --build --preset dev
	ctest --preset dev -j 2

bench:
	bash bench/run.sh

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
