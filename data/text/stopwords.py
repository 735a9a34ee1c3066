"""Stop words and generic words, Norwegian (bokmål) and English: one list for every layer.

* :data:`STOP_WORDS` -- function words ("og", "the"), left out of word overlap (TF-IDF) and of
  every term a reader sees. The English ones are scikit-learn's list, word for word, so the
  matcher's TF-IDF is what it was measured with.
* :data:`GENERIC_WORDS` -- the vocabulary of any project description ("project", "utvikle",
  "innovation", "partner"): they match everywhere, so they explain nothing as a shared term or a
  community's label.
"""

from __future__ import annotations

__all__ = ["ENGLISH_STOP_WORDS", "GENERIC_WORDS", "LABEL_WORDS", "NORWEGIAN_STOP_WORDS", "STOP_WORDS"]

ENGLISH_STOP_WORDS: frozenset[str] = frozenset(
    """
    a about above across after afterwards again against all almost alone along already also although
    always am among amongst amoungst amount an and another any anyhow anyone anything anyway
    anywhere are around as at back be became because become becomes becoming been before beforehand
    behind being below beside besides between beyond bill both bottom but by call can cannot cant co
    con could couldnt cry de describe detail do done down due during each eg eight either eleven
    else elsewhere empty enough etc even ever every everyone everything everywhere except few
    fifteen fifty fill find fire first five for former formerly forty found four from front full
    further get give go had has hasnt have he hence her here hereafter hereby herein hereupon hers
    herself him himself his how however hundred i ie if in inc indeed interest into is it its itself
    keep last latter latterly least less ltd made many may me meanwhile might mill mine more
    moreover most mostly move much must my myself name namely neither never nevertheless next nine
    no nobody none noone nor not nothing now nowhere of off often on once one only onto or other
    others otherwise our ours ourselves out over own part per perhaps please put rather re same see
    seem seemed seeming seems serious several she should show side since sincere six sixty so some
    somehow someone something sometime sometimes somewhere still such system take ten than that the
    their them themselves then thence there thereafter thereby therefore therein thereupon these
    they thick thin third this those though three through throughout thru thus to together too top
    toward towards twelve twenty two un under until up upon us very via was we well were what
    whatever when whence whenever where whereafter whereas whereby wherein whereupon wherever
    whether which while whither who whoever whole whom whose why will with within without would yet
    you your yours yourself yourselves
    """.split()
)

NORWEGIAN_STOP_WORDS: frozenset[str] = frozenset(
    """
    alle andre annen annet at av bare bedre begge blant ble bli blir blitt bort både da dag dager de
    del delen deler dem den denne der deres derfor dermed dersom det dette disse du egen eget egne
    eller en ene enn er et ett etter flere for fordi fra få får fått før første gi gir gjennom gjort
    gjør gjøre gode godt gå går ha hadde han hans har hele hennes her hos hun hva hvem hver hvert
    hvilke hvilken hvis hvor hvordan i ikke inn innen inni jeg kan kom kun kunne man mange med meg
    mellom men mer mest mot mye må måte ned noe noen nok ny nye nytt nå når og også om opp oss over
    på samme sammen samt seg selv sin sine siste sitt skal skulle slik som stor store så sånn ta tar
    til to tre trengs ulike ut uten var ved vi vil ville vår våre vårt være vært år
    """.split()
)

STOP_WORDS: frozenset[str] = ENGLISH_STOP_WORDS | NORWEGIAN_STOP_WORDS

GENERIC_WORDS: frozenset[str] = frozenset(
    """
    able achieve achieved action actions activities activity addition additional address addresses
    addressing aim aimed aims allow allows anlegg anleggene anlegget ansatte application
    applications applied apply approach approaches arbeid arbeidet area areas available based basert
    bedrift bedriftene bedrifter better bidra bring bruk bruke bruker brukes bygge bygger case cases
    collaboration common communication companies company consortium cooperation cost costs current
    currently demonstrate demonstrated demonstration demonstrere demonstrerer design designed
    develop developed developing development did different dissemination does doing dokumentere
    dokumenterer dokumentert efficiency efficient ei emphasise enable enables enabling end ensure
    etablere etablerer eu europe european existing expected experience expertise exploit
    exploitation facilities facility felles field focus following forbedre forprosjekt forprosjektet
    future gjennomføre gjennomfører goal goals h2020 having help high highly horizon hovedkontor
    hovedprosjekt hovedprosjektet impact implement implementation implemented important improve
    improved improvement include includes including increase increased innovasjon innovation
    innovative just kartlegge kartlegger key knowledge kontor kundene kunder large lead leading led
    level levels leverandør leverer like long low løsning løsninger main make makes management
    marked markedet market markets method methods metode metoder mål målet near need needs new novel
    objective objectives order overall particular partner partnere partners performance plant plants
    possible potential process processes produced producing product products produkter programme
    project projects proposal propose proposed prosjekt prosjektene prosjekter prosjektet provide
    provided provides range real reduce reduced redusere reduserer region regionen related research
    researchers result results role samarbeid samarbeide samarbeider samarbeidet scale scientific
    second selected selskap selskapet service services set shall shared significant sikre sikrer
    skills solution solutions specific stakeholders state strategic strategy strong studies study
    styrke support systems technical technologies technology teknologi teknologien terms teste
    tester testet theirs time tjenester total tredje trenger type types use used uses using utilise
    utilize utvikle utvikler utvikles utviklet utvikling utviklingen value viktig viktige vurdere
    vurderer want way ways wide work works year years å årene året øke øker økt ønsker
    """.split()
)

# -- words that make poor names for a community or a competence (graph/) ----------------------
#: Verbs, kinds of body and filler found as "distinctive" terms of a group of texts: true of the
#: texts, but no name for what a community or an organisation does ("utnytte", "universitet",
#: "working", "indispensable"). Only the network's terms leave them out; the matcher keeps its list.
LABEL_WORDS: frozenset[str] = frozenset(
    """
    achieving actively additionally aiming allowing applying becoming beyond bringing carried
    carrying clearly consisting contributing creating currently delivering demonstrating enabling
    ensuring especially essential establishing expanding facing finally following fully further
    greatly helping including increasingly indispensable involving jointly largely leading making
    mainly moving needed novel offering particular performed performing providing reaching
    realising realizing regarding related relevant seeking significantly strongly successfully
    supporting taking thereby towards undertaken via want wants working
    arbeide arbeider blant blitt bidrar bidratt brukt egnet fokus ferdig finne gjennomført god
    gode hjelpe igjennom inkludert kommer ledende lage lager laget løse løser mulig mulighet
    muligheter nytt nyttig oppnå samle samler sentral sentrale skape skaper spesielt stadig
    sterk sterke stort tilby tilbyr utnytte utnytter utnyttelse viser kobler koble kobles
    erstatte erstatter erstattes erstatning kombinere kombinerer kombineres commit connected connecting
    universitet universitetet university høgskole høgskolen skole skolen videregående institutt
    instituttet institute kommune kommunen klynge klyngen klyngebedrifter klyngebedriftene
    bedriftenes selskaper aktører aktørene medlemmer medlemmene
    """.split()
)
