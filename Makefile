# sidecar-lab. On a fresh Debian/Ubuntu machine, as root:
#   make setup demo    install Docker + Compose v2 and the npm packages, then run the https stack
#   make setup test    the same set-up, then every test
#   make test-exercises  only every lesson's exercises solved, checked and reset (make test runs them too)
#   make test-arm64      the https stack's images built for linux/arm64 and run under emulation (not part of make test)
.PHONY: setup bootstrap demo demo-https demo-https-down test test-unit test-exercises test-arm64 doctor images gen clean

setup: bootstrap node_modules

bootstrap:
	bash scripts/bootstrap/setup.sh

node_modules: package-lock.json
	npm ci --no-audit --no-fund
	@touch node_modules

demo: demo-https

demo-https: node_modules
	npm run stack:https

demo-https-down: node_modules
	npm run stack:https -- down

test: node_modules
	npm test

test-unit: node_modules
	npm run test:unit

test-exercises: node_modules
	npm run test:exercises

test-arm64: node_modules
	npm run test:arm64

doctor: node_modules
	npm run doctor

images: node_modules
	npm run images

gen: node_modules
	npm run gen

# Removes every stack that `up` left running, then the build output. Images stay (docker image prune removes them).
clean:
	@for s in $$(ls stacks); do [ -f stacks/$$s/scenario.ts ] && npm run -s stack -- $$s down || true; done
	rm -rf dist sidecars/*/dist .state artifacts

# The simple PaaS (stacks/paas): up, push a commit, show the page before and after; it stays up.
.PHONY: demo-paas demo-paas-down
demo-paas: node_modules
	npm run -s build && node dist/stacks/paas/demo.js

demo-paas-down: node_modules
	npm run stack:paas -- down

# The lab (docs/lab.md): a live picture of every sidecar-lab stack that is up, on 127.0.0.1; prints its address.
#   make lab ARGS="--port 8080 --project NAME"
.PHONY: lab
lab: node_modules
	npm run lab -- $(ARGS)
