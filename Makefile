# rappel — les commandes du projet. Voir README.md.
GO ?= go
FUZZTIME ?= 30s

.PHONY: build demo test fuzz vet clean

## build : compile le binaire dans bin/rappel
build:
	$(GO) build -o bin/rappel ./cmd/rappel

## demo : démonstration complète (PostgreSQL jetable si DATABASE_URL est vide)
demo:
	scripts/demo.sh

## test : toute la suite (PostgreSQL jetable si TEST_DATABASE_URL est vide)
test:
	scripts/test.sh

## fuzz : chaque test de fuzzing pendant FUZZTIME
fuzz:
	$(GO) test -run=NONE -fuzz=FuzzParseWhen -fuzztime=$(FUZZTIME) ./scheduler
	$(GO) test -run=NONE -fuzz=FuzzParse -fuzztime=$(FUZZTIME) ./csvimport

vet:
	$(GO) vet ./...

clean:
	rm -rf bin demo-outbox
