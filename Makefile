# rappel — les commandes du projet. Voir README.md.
GO ?= go
FUZZTIME ?= 30s

.PHONY: build demo test bench fuzz vet clean

## build : compile le binaire dans bin/rappel
build:
	$(GO) build -o bin/rappel ./cmd/rappel

## demo : démonstration complète (PostgreSQL jetable si DATABASE_URL est vide)
demo:
	scripts/demo.sh

## test : toute la suite (PostgreSQL jetable si TEST_DATABASE_URL est vide)
test:
	scripts/test.sh

## bench : mesures de vitesse sur des PostgreSQL jetables : envoi de 1 000,
## 10 000 et 100 000 rappels sur 4 puis 16 connexions SMTP comparé au plafond
## de la machine, avec son coût pour PostgreSQL par message, planification
## d'un million d'inscriptions, composition d'un message, pages de l'espace
## organisateurs d'une session de 100 000 inscrits (MILLION=1 : envoi d'un
## million en plus)
bench:
	$(GO) test -run=NONE -bench=. -benchtime=1x -timeout=120m ./bench $(if $(MILLION),-args -million)
	$(GO) test -run=NONE -bench=Plan -benchtime=1x -timeout=60m ./scheduler
	$(GO) test -run=NONE -bench=Compose -benchmem ./notify
	$(GO) test -run=NONE -bench=SpacePages -benchtime=20x ./web

## fuzz : chaque test de fuzzing pendant FUZZTIME
fuzz:
	$(GO) test -run=NONE -fuzz=FuzzParseWhen -fuzztime=$(FUZZTIME) ./when
	$(GO) test -run=NONE -fuzz=FuzzParse -fuzztime=$(FUZZTIME) ./csvimport
	$(GO) test -run=NONE -fuzz=FuzzQuotedPrintable -fuzztime=$(FUZZTIME) ./notify
	$(GO) test -run=NONE -fuzz=FuzzParsePost -fuzztime=$(FUZZTIME) ./agenda

vet:
	$(GO) vet ./...

clean:
	rm -rf bin demo-outbox
