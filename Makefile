# The two commands of the README. Each installs what it needs first (tools/install-deps.sh is
# idempotent and quick when nothing is missing), then builds incrementally.
.PHONY: run test build deps bench format clean

LISTEN ?= 127.0.0.1:8080
DATA ?= ./var

deps:
	bash tools/install-deps.sh

build: deps
	cmake --preset release
	cmake --build --preset release

# Install, build, and start Shakwa on its embedded SQLite database with a little demo data.
run: build
	./build/release/shakwa serve --listen $(LISTEN) --data $(DATA) --demo

# Install, build (warnings are errors, sanitizers on) and run every test.
test: deps
	cmake --preset ci
	cmake --build --preset ci
	ctest --preset ci

bench: build
	bash bench/run.sh

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
