"""Write the bundled sample cluster: organisations.csv, projects.csv, participations.csv.

The CSV files next to this script are generated from the literals below; edit here, then run::

    .venv/bin/python data/sample/build_sample.py

All companies except the real organisations listed in README.md are fictional, and so are all
projects and participations. Real organisations carry only general public facts.
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent

# fmt: off
ORG_COLUMNS = [
    "org_id", "name", "kind", "country", "region", "org_number",
    "description", "competences", "municipality", "employees",
]
PROJECT_COLUMNS = ["project_id", "title", "summary", "start_year", "programme", "budget_nok", "funding_source"]
PARTICIPATION_COLUMNS = ["project_id", "org_id", "role"]

TR = "Trøndelag"

# (org_id, name, kind, country, region, municipality, employees, description, competences)
# Real organisations first (general public facts only), then fictional ones.
REAL_ORGANISATIONS = [
    ("industrinavet", "Industrinavet i Trøndelag", "support", "NO", TR, "Verdal", None,
     "Industriklynge med base i industriparkene i Verdal som samler bedrifter, forskning, utdanning og "
     "offentlige virkemidler i Trøndelag. Klyngen utløser innovasjons- og kompetanseprosjekter innen grønne "
     "vekstområder som energi, havbruk, matproduksjon og sirkulær økonomi. Arrangerer fagdager, "
     "arbeidslederskole og konferansen Industriens Dag, og kobler bedrifter med riktige samarbeidspartnere.",
     "klyngeutvikling;kompetanseheving;grønn omstilling;nettverk;prosjektutvikling;Industriens Dag"),
    ("proneo", "Proneo", "support", "NO", TR, "", None,
     "Inkubator og innovasjonsselskap i Trøndelag som hjelper gründere og etablerte bedrifter med å utvikle og "
     "kommersialisere nye forretningsideer. Bidrar med forretningsutvikling, søknader om offentlig "
     "finansiering, prosjektledelse og kontakt med investorer. Partner i Industrinavet i Trøndelag.",
     "inkubator;forretningsutvikling;kommersialisering;prosjektledelse;finansiering;gründere"),
    ("verdal-naeringsforum", "Verdal Næringsforum", "support", "NO", TR, "Verdal", None,
     "Næringsforening for bedrifter i Verdal som arbeider for godt samspill mellom næringsliv, kommune og "
     "skole. Driver nettverksmøter, bedriftsbesøk og tiltak for rekruttering og lokal verdiskaping, og er "
     "partner i Industrinavet i Trøndelag.",
     "næringsforening;nettverk;rekruttering;lokal næringsutvikling;møteplasser"),
    ("sintef", "SINTEF", "research", "NO", TR, "Trondheim", None,
     "Et av Europas største uavhengige forskningsinstitutter, med hovedkontor i Trondheim. Driver anvendt "
     "forskning og teknologiutvikling innen blant annet energi, havbruk, materialer, produksjonsteknologi, "
     "digitalisering og bygg. Deltar ofte som FoU-partner i innovasjonsprosjekter med industribedrifter og er "
     "partner i Industrinavet i Trøndelag.",
     "anvendt forskning;energi;havbruk;materialteknologi;produksjonsteknologi;digitalisering"),
    ("ntnu", "NTNU – Norges teknisk-naturvitenskapelige universitet", "education", "NO", TR, "Trondheim", None,
     "Norges største universitet, med hovedcampus i Trondheim. Utdanner ingeniører og forskere og driver "
     "forskning innen teknologi, naturvitenskap, økonomi og samfunnsfag. Samarbeider med industrien gjennom "
     "masteroppgaver, doktorgrader og forskningsprosjekter.",
     "ingeniørutdanning;forskning;masteroppgaver;teknologi;marin teknikk;energi"),
    ("nord-universitet", "Nord universitet", "education", "NO", TR, "Levanger", None,
     "Universitet med studiesteder i Trøndelag og Nordland, blant annet i Levanger, Steinkjer og Namsos. Har "
     "fagmiljøer innen havbruk og biovitenskap, samt økonomi, ledelse og innovasjon. Samarbeider med "
     "næringslivet om forskning, etter- og videreutdanning og studentprosjekter.",
     "havbruk;biovitenskap;økonomi;ledelse;etter- og videreutdanning"),
    ("verdal-vgs", "Verdal videregående skole", "education", "NO", TR, "Verdal", None,
     "Videregående skole i Verdal med yrkesfaglige og studieforberedende utdanningsprogram, blant annet "
     "teknologi- og industrifag (TIP). Samarbeider med industribedrifter i regionen om lærlinger, "
     "praksisplasser og kompetanseheving for voksne, og er partner i Industrinavet i Trøndelag.",
     "teknologi- og industrifag;lærlinger;fagopplæring;yrkesfag;kompetanseheving"),
    ("fagskolen-trondelag", "Fagskolen i Trøndelag", "education", "NO", TR, "", None,
     "Offentlig fagskole i Trøndelag som tilbyr høyere yrkesfaglig utdanning for fagarbeidere, blant annet "
     "innen tekniske fag og ledelse. Mange av utdanningene kan tas på deltid, og bedrifter bruker dem til å "
     "heve kompetansen hos ansatte.",
     "fagskoleutdanning;tekniske fag;ledelse;deltidsstudier;kompetanseheving"),
    ("nibio", "NIBIO – Norsk institutt for bioøkonomi", "research", "NO", "Akershus", "Ås", None,
     "Statlig forskningsinstitutt med hovedkontor på Ås og kontorer flere steder i landet. Forsker på "
     "landbruk, matproduksjon, skog, miljø og ressursutnyttelse i bioøkonomien.",
     "bioøkonomi;landbruk;skog;jordhelse;matproduksjon"),
    ("skogmo-industripark", "Skogmo Industripark", "support", "NO", TR, "Overhalla", None,
     "Industripark på Skogmo i Overhalla med flere produksjonsbedrifter. Parken legger til rette for "
     "samarbeid, felles tjenester og nyetableringer, og er partner i Industrinavet i Trøndelag.",
     "industripark;næringsarealer;felles tjenester;nyetableringer;samarbeid"),
    ("verdal-industripark", "Verdal Industripark", "support", "NO", TR, "Verdal", None,
     "Stor industripark i Verdal med bedrifter innen blant annet fabrikasjon, trebearbeiding og tjenester. "
     "Parken ble omstilt på begynnelsen av 2000-tallet og tilbyr arealer og fellestjenester til bedriftene.",
     "industripark;næringsarealer;fellestjenester;etablering;industrimiljø"),
    ("sparebank1-smn", "SpareBank 1 SMN", "other", "NO", TR, "Trondheim", None,
     "Sparebank med hovedkontor i Trondheim og virksomhet i Trøndelag og Møre og Romsdal. Tilbyr "
     "finansiering og rådgivning til bedrifter, og gir gjennom Samfunnsløftet midler til lokale tiltak. "
     "Partner i Industrinavet i Trøndelag.",
     "bankfinansiering;næringslivsrådgivning;Samfunnsløftet;investering;regional utvikling"),
    ("trondelag-fylkeskommune", "Trøndelag fylkeskommune", "public", "NO", TR, "Steinkjer", None,
     "Regional myndighet for Trøndelag med ansvar for blant annet videregående opplæring, samferdsel og "
     "regional utvikling. Forvalter regionale utviklingsmidler til næringsliv og klynger, og er partner i "
     "Industrinavet i Trøndelag.",
     "regional utvikling;videregående opplæring;næringsutvikling;utviklingsmidler;samferdsel"),
    ("innovasjon-norge", "Innovasjon Norge", "public", "NO", TR, "Trondheim", None,
     "Statens virkemiddelaktør for innovasjon og utvikling av norske bedrifter og næringsliv, med "
     "regionkontor i Trøndelag. Tilbyr lån, tilskudd og rådgivning, og finansierer blant annet klyngeprogram. "
     "Partner i Industrinavet i Trøndelag.",
     "innovasjonsfinansiering;tilskudd;lån;klyngeprogram;internasjonalisering"),
    ("verdal-kommune", "Verdal kommune", "public", "NO", TR, "Verdal", None,
     "Kommune i Innherred i Trøndelag. Arbeider med næringsutvikling, arealplanlegging og tilrettelegging "
     "for industri, og er partner i Industrinavet i Trøndelag.",
     "næringsutvikling;arealplanlegging;kommunale tjenester;tilrettelegging for industri"),
    ("levanger-kommune", "Levanger kommune", "public", "NO", TR, "Levanger", None,
     "Kommune i Innherred i Trøndelag, nabo til Verdal. Er byggherre og innkjøper for skoler, "
     "omsorgsbygg og andre kommunale bygg, og arbeider med næringsutvikling og klimatiltak.",
     "næringsutvikling;offentlige innkjøp;byggherre;klimatiltak"),
    ("aker-solutions-verdal", "Aker Solutions (Verdal)", "company", "NO", TR, "Verdal", None,
     "Leverandør til energiindustrien med verft i Verdal. Verftet bygger store stålkonstruksjoner som "
     "understell (jackets) og moduler for olje og gass og fornybar energi. Har lang erfaring med store "
     "fabrikasjonsprosjekter, sveising og prosjektgjennomføring.",
     "fabrikasjon;stålkonstruksjoner;jackets;sveising;prosjektgjennomføring;offshore"),
    ("byggmesteran", "Byggmesteran", "company", "NO", TR, "", None,
     "Byggmesterbedrift i Trøndelag som driver med nybygg, rehabilitering og entreprise for private og "
     "næringskunder. Har gjennomført utviklingsprosjekter med kompetansen og nettverket i Industrinavet i "
     "Trøndelag.",
     "byggentreprise;nybygg;rehabilitering;tømrerfag"),
    ("overhalla-bygg", "Overhalla Bygg", "company", "NO", TR, "Overhalla", None,
     "Byggebedrift i Namdalen som leverer bygg- og entreprisetjenester. Har gjennomført utviklingsprosjekter "
     "med kompetansen og nettverket i Industrinavet i Trøndelag.",
     "byggentreprise;boligbygging;næringsbygg;tømrerfag"),
    ("ocean-geoloop", "Ocean GeoLoop", "company", "NO", "", "", None,
     "Norsk teknologiselskap som utvikler havbaserte løsninger for fangst av CO2. Har gjennomført "
     "utviklingsprosjekter med kompetansen og nettverket i Industrinavet i Trøndelag.",
     "CO2-fangst;havbaserte løsninger;klimateknologi;karbonfangst"),
]

FICTIONAL_ORGANISATIONS = [
    # -- energy --------------------------------------------------------------------------------------
    ("innherred-hydrogen", "Innherred Hydrogen AS", "company", "NO", TR, "Verdal", 28,
     "Innherred Hydrogen produserer grønn hydrogen med PEM-elektrolyse basert på fornybar kraft, og leverer "
     "containeriserte elektrolyseanlegg fra 1 til 10 MW. Vi bygger fyllestasjoner for hydrogen til ferjer, "
     "hurtigbåter og tungtransport langs kysten, og utvikler løsninger for komprimering og lagring ved 350 og "
     "700 bar. Vi ønsker samarbeid om bruk av overskuddsvarme og oksygen fra elektrolysen.",
     "hydrogen;PEM-elektrolyse;elektrolysør;fyllestasjon;maritim hydrogen;ferjer;energilagring"),
    ("fosen-solkraft", "Fosen Solkraft AS", "company", "NO", TR, "Ørland", 14,
     "Fosen Solkraft prosjekterer og installerer solcelleanlegg på industritak, driftsbygninger og "
     "landbruksarealer i Trøndelag. Vi har spesialisert oss på bifaciale paneler og agrivoltaikk tilpasset "
     "nordisk klima med snølast og lav solhøyde. Vi ønsker å utvikle kombinasjoner av solkraft og "
     "batterilager for industriparker.",
     "solceller;solkraft;bifaciale paneler;agrivoltaikk;takanlegg;snølast"),
    ("nidaros-batteri", "Nidaros Battery Systems AS", "company", "NO", TR, "Trondheim", 22,
     "Nidaros Battery Systems designs and assembles stationary battery energy storage systems (BESS) for "
     "industrial sites, from 200 kWh to 5 MWh. Our systems provide peak shaving, frequency reserves and "
     "backup power, and we build second-life packs from used electric vehicle batteries. We want partners "
     "for testing battery storage in industrial parks with variable loads and local solar power.",
     "battery storage;BESS;peak shaving;second-life batteries;battery management system;frequency reserves"),
    ("nettkraft-innherred", "Nettkraft Innherred AS", "company", "NO", TR, "Levanger", 40,
     "Nettkraft Innherred is an electrical grid contractor and consultancy for industrial customers. We plan "
     "grid connections and transformer stations, measure power quality, and help companies operate within "
     "capacity limits in a constrained grid. We are developing a local energy community model where the "
     "companies in an industrial park share solar power, batteries and flexible loads.",
     "grid connection;power quality;energy management;local energy community;flexibility;transformer stations"),
    ("skogn-bioenergi", "Skogn Bioenergi AS", "company", "NO", TR, "Levanger", 18,
     "Skogn Bioenergi produserer flis og pellets fra skogsavfall og restprodukter fra sagbruk, og driver to "
     "fjernvarmeanlegg i Innherred. Vi har et pilotanlegg for pyrolyse som lager biokull til jordforbedring "
     "og betong. Vi ønsker å utvikle nye markeder for biokull og bedre energiutnyttelse i forbrenningen.",
     "bioenergi;flis;pellets;fjernvarme;pyrolyse;biokull"),
    ("steinkjer-spillvarme", "Steinkjer Spillvarme AS", "company", "NO", TR, "Steinkjer", 12,
     "Steinkjer Spillvarme kartlegger og gjenvinner overskuddsvarme fra industrien med høytemperatur "
     "varmepumper og varmevekslere. Vi leverer nøkkelferdige anlegg som løfter spillvarme fra kjøleprosesser "
     "og kompressorer til prosessvarme på opptil 120 °C. Vi ser store muligheter i å levere varme til "
     "landbasert oppdrett, veksthus og tørking av biomasse.",
     "spillvarme;varmepumper;varmegjenvinning;energieffektivisering;prosessvarme;energikartlegging"),
    ("fosen-vindservice", "Fosen Vindservice AS", "company", "NO", TR, "Åfjord", 25,
     "Fosen Vindservice utfører service, inspeksjon og reparasjon av vindturbiner på land. Vi har tauarbeidere "
     "og dronepiloter som inspiserer og reparerer turbinblader, og vi utfører mekanisk vedlikehold av "
     "girkasser og lagre. Vi vil utvikle bedre metoder for å reparere erosjonsskader på bladkanter.",
     "vindturbiner;service;bladreparasjon;tauarbeid;inspeksjon;vedlikehold"),
    ("elektrisk-sjo", "Elektrisk Sjø AS", "company", "NO", TR, "Hitra", 16,
     "Elektrisk Sjø elektrifiserer fôrflåter, arbeidsbåter og servicefartøy i havbruksnæringen. Vi leverer "
     "landstrøm via sjøkabel, hybride batteriløsninger og energistyring som erstatter dieselaggregater på "
     "flåtene. Vi ønsker å utvikle ladeløsninger for elektriske arbeidsbåter ute på lokalitetene.",
     "elektrifisering;landstrøm;fôrflåter;hybride batterier;arbeidsbåter;havbruk"),
    # -- aquaculture ---------------------------------------------------------------------------------
    ("titran-laks", "Titran Laks AS", "company", "NO", TR, "Frøya", 140,
     "Titran Laks driver oppdrett av atlantisk laks på tolv lokaliteter langs kysten av Frøya og Hitra, fra "
     "smolt til slakteferdig fisk. Vi arbeider systematisk med fiskevelferd, lusebekjempelse uten legemidler "
     "og lavere dødelighet. Vi ønsker å teste nye teknologier for overvåking av fisk og miljø i merdene.",
     "lakseoppdrett;fiskevelferd;lusebekjempelse;sjølokaliteter;havbruk;driftsoptimalisering"),
    ("namsen-rensefisk", "Namsen Rensefisk AS", "company", "NO", TR, "Namsos", 30,
     "Namsen Rensefisk produserer rognkjeks i landbaserte anlegg for bruk som rensefisk mot lakselus i "
     "oppdrettsmerder. Vi arbeider med avl, vaksinering og fôring av rognkjeks, og med velferden til "
     "rensefisken etter utsett i sjø. Vi vil utvikle bedre metoder for å ta vare på rensefisken gjennom hele "
     "produksjonssyklusen.",
     "rensefisk;rognkjeks;lakselus;avl;fiskevelferd;settefisk"),
    ("insektfor", "Insektfôr Trøndelag AS", "company", "NO", TR, "Inderøy", 19,
     "Insektfôr Trøndelag oppdretter larver av svart soldatflue på biprodukter fra matindustrien, som "
     "brødrester, grønnsaksavfall og myse. Larvene foredles til insektmel med høyt proteininnhold og "
     "insektolje som ingrediens i fiskefôr og dyrefôr, og restene blir til gjødsel. Vi ønsker å skalere "
     "produksjonen og dokumentere effekten av insektprotein i fôr til laks.",
     "insektprotein;svart soldatflue;fiskefôr;fôringredienser;biprodukter;insektmel"),
    ("fiskehelse-midt", "Fiskehelse Midt AS", "company", "NO", TR, "Hitra", 24,
     "Fiskehelse Midt er et fiskehelsefirma med veterinærer og fiskehelsebiologer som betjener "
     "oppdrettsanlegg i Trøndelag. Vi utfører helsekontroller, obduksjoner, PCR-diagnostikk og "
     "vaksinasjonsoppfølging, og gir råd om gjellehelse og skånsom avlusing. Vi vil utvikle digitale "
     "verktøy for tidlig varsling av sykdom basert på data fra anleggene.",
     "fiskehelse;veterinær;PCR-diagnostikk;gjellehelse;vaksinering;sykdomsovervåking"),
    ("innherred-landlaks", "Innherred Landlaks AS", "company", "NO", TR, "Verdal", 35,
     "Innherred Landlaks bygger og driver et landbasert RAS-anlegg for produksjon av stor "
     "postsmolt og matfisk av laks. Anlegget bruker biofiltre, ozonbehandling og avansert "
     "vannkvalitetsstyring, og slammet fra renseanlegget samles opp for videre utnyttelse. Vi ønsker "
     "samarbeid om bruk av spillvarme og rimelig oksygen, og om å utnytte fiskeslammet.",
     "RAS;landbasert oppdrett;postsmolt;vannbehandling;biofilter;fiskeslam"),
    ("havdyp-offshore", "Havdyp Offshore Farming AS", "company", "NO", TR, "Frøya", 20,
     "Havdyp utvikler et halvt nedsenkbart havmerdkonsept for oppdrett av laks på eksponerte lokaliteter "
     "langt til havs. Konstruksjonen er i stål, dimensjonert for bølgehøyder over 10 meter, og har automatisk "
     "fôring og fjernstyrt drift fra land. Vi søker verft, fabrikasjonsbedrifter og forskningspartnere for "
     "bygging og testing av en fullskala prototyp.",
     "havbasert oppdrett;havmerd;eksponert havbruk;stålkonstruksjon;fjernstyring;marin teknologi"),
    ("merdvision", "MerdVision AS", "company", "NO", TR, "Trondheim", 26,
     "MerdVision develops underwater camera systems with machine learning that count sea lice, estimate "
     "biomass and detect wounds on salmon inside the net pen. The cameras move automatically through the pen "
     "on a winch and send data in real time to the farm's operations centre. We want to combine our image "
     "data with environmental sensors and feeding data to support decisions on delousing and harvesting.",
     "underwater cameras;sea lice counting;biomass estimation;machine learning;fish welfare;aquaculture technology"),
    ("fosen-notservice", "Fosen Nøtservice AS", "company", "NO", TR, "Indre Fosen", 45,
     "Fosen Nøtservice vasker, impregnerer, kontrollerer og reparerer oppdrettsnøter i eget notverksted, og "
     "utfører notvask og dykkertjenester på lokalitetene. Vi utvikler miljøvennlige alternativer til "
     "kobberbasert impregnering. Vi ønsker samarbeid om fjernstyrt notinspeksjon under vann.",
     "notvask;notreparasjon;impregnering;dykkertjenester;notinspeksjon;havbruk"),
    ("tare-froya", "Frøya Tare AS", "company", "NO", TR, "Frøya", 8,
     "Frøya Tare dyrker sukkertare og butare på tau i sjø, gjerne i nærheten av lakseanlegg der taren tar opp "
     "næringssalter. Vi tørker og fermenterer taren til ingredienser for mat, fôr og biostimulanter til "
     "landbruket. Vi ønsker å utvikle mekanisert høsting og stabile prosesser for konservering av tare.",
     "taredyrking;makroalger;sukkertare;IMTA;fermentering;biostimulanter"),
    ("snasa-settefisk", "Snåsa Settefisk AS", "company", "NO", TR, "Snåsa", 22,
     "Snåsa Settefisk produserer settefisk og smolt av laks i gjennomstrømningsanlegg og RAS basert på "
     "ferskvann fra innlandet. Vi arbeider med lysstyring, smoltifisering og vaksinering for å levere robust "
     "smolt til sjøsetting. Vi ønsker å redusere energibruken og utnytte fiskeslam som ressurs.",
     "settefisk;smolt;smoltifisering;RAS;ferskvann;lysstyring"),
    ("nordsee-aquatech", "Nordsee Aquatech GmbH", "company", "DE", "Bremen", "Bremerhaven", 60,
     "Nordsee Aquatech engineers water treatment components for recirculating aquaculture systems (RAS), "
     "including moving-bed biofilters, drum filters, degassing towers and ozone dosing units. We supply "
     "land-based salmon and shrimp farms in Europe and run a test hall with pilot-scale systems. We are "
     "looking for Norwegian partners to validate our denitrification reactor for sludge reduction.",
     "RAS components;biofilters;drum filters;denitrification;water treatment;pilot testing"),
    # -- food ----------------------------------------------------------------------------------------
    ("innherred-kjott", "Innherred Kjøttindustri AS", "company", "NO", TR, "Levanger", 110,
     "Innherred Kjøttindustri slakter og foredler storfe, svin og lam fra bønder i Trøndelag, og produserer "
     "pålegg, pølser og ferske kjøttprodukter. Vi arbeider med automatisering av skjærelinjen, bedre "
     "utnyttelse av biprodukter som blod, bein og skinn, og energieffektiv kjøling. Vi ønsker å utvikle nye "
     "produkter basert på restråstoff og kortreist kjøtt.",
     "kjøttforedling;slakteri;pålegg;biprodukter;kjøling;matproduksjon"),
    ("inderoy-gardsmeieri", "Inderøy Gårdsmeieri AS", "company", "NO", TR, "Inderøy", 14,
     "Inderøy Gårdsmeieri lager hvitost, brunost, yoghurt og smør av melk fra gårder i Innherred. Vi har "
     "utviklet en prosess for å utnytte myse fra osteproduksjonen til drikker og brunost, og vi selger til "
     "dagligvarehandel og restauranter. Vi ønsker å øke holdbarheten og redusere energibruken i "
     "pasteurisering og kjøling.",
     "meieri;ost;myse;melkeprodukter;holdbarhet;lokalmat"),
    ("hegra-bakeri", "Hegra Bakeri AS", "company", "NO", TR, "Stjørdal", 65,
     "Hegra Bakeri er et industribakeri som baker brød, rundstykker og kaker til dagligvarehandelen i "
     "Midt-Norge. Vi har elektrifisert ovnene og gjenvinner varme fra bakeprosessen, og samarbeider om å "
     "gjøre returbrød om til fôr og ingredienser. Vi vil bruke mer norsk korn og utvikle brød med lavere "
     "klimaavtrykk.",
     "industribakeri;brød;returbrød;energigjenvinning;norsk korn;dagligvare"),
    ("nordoyan-sjomat", "Nordøyan Sjømat AS", "company", "NO", TR, "Frøya", 180,
     "Nordøyan Sjømat slakter og foredler laks til fersk filet, porsjonsprodukter og røkelaks for eksport til "
     "Europa og Asia. Vi har egne linjer for automatisk filetering og trimming med røntgenkontroll av bein. "
     "Restråstoff som hoder, rygger og innmat går i dag til ensilasje, og vi ønsker å utvikle hydrolysat og "
     "olje med høyere verdi.",
     "sjømatforedling;lakseslakteri;filetering;restråstoff;hydrolysat;eksport"),
    ("mare-biogass", "Mære Biogass AS", "company", "NO", TR, "Steinkjer", 30,
     "Mære Biogass produserer biogass fra matavfall, fiskeslam fra oppdrett og husdyrgjødsel. Gassen "
     "oppgraderes til flytende biogass (LBG) som drivstoff for lastebiler og busser, og bioresten selges som "
     "gjødsel til landbruket. Vi ønsker nye råstoffavtaler med næringsmiddelindustrien og vil utnytte CO2 "
     "fra oppgraderingen.",
     "biogass;matavfall;LBG;biorest;fiskeslam;gjødsel"),
    ("vertikal-gront", "Vertikal Grønt AS", "company", "NO", TR, "Steinkjer", 11,
     "Vertikal Grønt dyrker salat, urter og mikrogrønt innendørs i vertikale dyrkingsanlegg med LED-lys og "
     "hydroponikk. Vi styrer lys, temperatur og næring med egne sensorer og programvare, og leverer ferske "
     "grønnsaker hele året til butikker i Trøndelag. Vi ønsker å bygge nye anlegg der det finnes rimelig "
     "spillvarme og CO2.",
     "vertikal dyrking;hydroponikk;LED-belysning;veksthus;grønnsaker;klimastyring"),
    ("levanger-ferdigmat", "Levanger Ferdigmat AS", "company", "NO", TR, "Levanger", 40,
     "Levanger Ferdigmat produces chilled ready meals, soups and sauces for grocery chains and canteens. We "
     "use modified atmosphere packaging (MAP) and sous-vide cooking to reach a shelf life of up to 21 days "
     "without preservatives. We want to develop ready meals based on local fish and plant protein.",
     "ready meals;sous-vide;modified atmosphere packaging;shelf life;food safety;chilled food"),
    ("kornforedling", "Trøndersk Kornforedling AS", "company", "NO", TR, "Stjørdal", 27,
     "Trøndersk Kornforedling maler og foredler havre, bygg og hvete fra trønderske gårder til mel, gryn og "
     "flak. Vi utvikler proteinkonsentrat fra havre og åkerbønner til plantebasert mat, og skallet fra "
     "havren brukes som brensel. Vi ønsker samarbeid om tørkeprosesser med lavere energibruk og nye produkter "
     "fra sidestrømmer.",
     "kornforedling;havre;plantebasert protein;åkerbønner;mølle;sidestrømmer"),
    ("limfjord-foodtech", "Limfjord Food Technology ApS", "company", "DK", "Nordjylland", "Aalborg", 35,
     "Limfjord Food Technology develops processing equipment and methods for the seafood and meat industries, "
     "specialising in enzymatic hydrolysis of by-products and gentle drying of protein powders. We operate a "
     "pilot plant where customers can test their raw materials at 100 kg scale. We seek Norwegian partners "
     "with by-product streams from salmon and meat processing.",
     "enzymatic hydrolysis;protein powder;pilot plant;by-products;food processing equipment;drying"),
    # -- circular economy ----------------------------------------------------------------------------
    ("circular-polymers", "Trønder Circular Polymers AS", "company", "NO", TR, "Orkland", 32,
     "Trønder Circular Polymers recycles plastic waste from fish farms on the coast of Trøndelag, such as HDPE "
     "floating collars, pipes, nets, feed hoses and ropes. Our plant in Orkland shreds, washes and extrudes the "
     "plastic into recycled granulate for new pipes, pallets and construction products. We want to recycle a "
     "larger share of aquaculture plastic and develop traceability and design-for-recycling guidelines with "
     "equipment suppliers.",
     "plastic recycling;HDPE;aquaculture plastic;mechanical recycling;recycled granulate;traceability"),
    ("innherred-metall", "Innherred Metallgjenvinning AS", "company", "NO", TR, "Verdal", 38,
     "Innherred Metallgjenvinning tar imot og sorterer skrapmetall fra industri, verft og riving, blant annet "
     "stål, rustfritt, aluminium og kobber. Vi bruker håndholdte XRF-spektrometre for å sortere legeringer og "
     "leverer råvarer tilbake til stålverk og smelteverk. Vi ønsker å etablere bedre kildesortering av kapp "
     "og spon hos fabrikasjonsbedriftene.",
     "metallgjenvinning;skrapmetall;XRF;aluminium;rustfritt stål;kildesortering"),
    ("treraff", "Treraff AS", "company", "NO", TR, "Levanger", 9,
     "Treraff er et oppstartselskap som utvikler et bioraffineri for sagflis og bark, der cellulose, "
     "hemicellulose og lignin skilles ut med en vannbasert prosess. Ligninet testes som bindemiddel i asfalt "
     "og sponplater, og sukkerstrømmen som råstoff for fermentering. Vi har et pilotanlegg og søker "
     "industrielle partnere for oppskalering.",
     "bioraffineri;lignin;cellulose;sagflis;bindemidler;oppskalering"),
    ("treretur", "Treretur Trøndelag AS", "company", "NO", TR, "Steinkjer", 21,
     "Treretur tar imot trevirke fra riving og byggeplasser, sorterer det og klassifiserer konstruksjonsvirke "
     "for ombruk i nye bygg. Virke som ikke kan ombrukes, flises til sponplateproduksjon eller energi. Vi "
     "arbeider med digital registrering og styrkesortering av brukt trelast, og søker byggherrer som vil "
     "bruke ombrukt tre.",
     "ombruk;returtre;trevirke;styrkesortering;riveavfall;sirkulært bygg"),
    ("kompositt-gjenvinning", "Komposittgjenvinning Midt AS", "company", "NO", TR, "Trondheim", 10,
     "Komposittgjenvinning Midt develops recycling of glass fibre reinforced composites from wind turbine "
     "blades, leisure boats and industrial tanks. We cut and grind the material and test the recovered fibres "
     "as reinforcement in concrete and new composite parts. We are looking for partners to test pyrolysis "
     "for recovering clean fibres.",
     "composite recycling;glass fibre;wind turbine blades;pyrolysis;fibre-reinforced concrete;material recovery"),
    ("askeverdi", "Askeverdi AS", "company", "NO", TR, "Levanger", 6,
     "Askeverdi utvikler bruksområder for bunnaske og flyveaske fra bioenergianlegg og avfallsforbrenning. Vi "
     "renser og klassifiserer asken og tester den som delvis erstatning for sement i betong, som fyllmasse og "
     "som kalkingsmiddel i landbruket. Vi søker partnere innen betong og landbruk for fullskala forsøk.",
     "aske;bunnaske;sementerstatning;kalking;sirkulær økonomi;materialtesting"),
    # -- timber and building -------------------------------------------------------------------------
    ("innherred-massivtre", "Innherred Massivtre AS", "company", "NO", TR, "Verdal", 48,
     "Innherred Massivtre produserer krysslimt tre (CLT/massivtre) av gran fra trønderske skoger, og leverer "
     "bærende vegger, dekker og trapperom til boligblokker, skoler og næringsbygg. Elementene kuttes på "
     "CNC-maskiner etter digitale modeller og monteres raskt på byggeplass. Vi ønsker å utvikle hybride "
     "dekker av massivtre og betong og dokumentere brannsikkerhet for fleretasjes trebygg.",
     "massivtre;CLT;krysslimt tre;trebygg;CNC-bearbeiding;prefabrikkering"),
    ("modulhus-midt", "Modulhus Midt AS", "company", "NO", TR, "Levanger", 70,
     "Modulhus Midt produserer volumbaserte boligmoduler i trekonstruksjon i egen fabrikk, ferdige med bad, "
     "kjøkken og tekniske installasjoner. Modulene brukes til leiligheter, studentboliger og omsorgsboliger. "
     "Vi arbeider med lean-produksjon og vil automatisere veggproduksjonen med robot.",
     "modulbygg;boligmoduler;industrialisert bygging;lean produksjon;trekonstruksjon;fabrikkproduksjon"),
    ("ogndal-sag", "Ogndal Sag og Høvleri AS", "company", "NO", TR, "Steinkjer", 33,
     "Ogndal Sag og Høvleri sager og høvler gran og furu til konstruksjonsvirke og panel. Vi har 3D-skanning "
     "av tømmer ved innmating og optimaliserer oppdelingen for å få mest mulig verdi ut av hver stokk. "
     "Sagflis og bark leveres til bioenergi.",
     "sagbruk;høvleri;tømmerskanning;konstruksjonsvirke;panel;trelast"),
    ("betongelement", "Innherred Betongelement AS", "company", "NO", TR, "Verdal", 55,
     "Innherred Betongelement produserer prefabrikkerte betongelementer som hulldekker, vegger og søyler til "
     "nærings- og boligbygg. Vi har utviklet lavkarbonbetong med redusert sementinnhold og tester "
     "alternative bindemidler. Vi ønsker å ta i bruk resirkulert tilslag og ombruk av betongelementer.",
     "betongelementer;lavkarbonbetong;hulldekker;prefabrikkering;bindemidler;ombruk"),
    ("jamtland-tratek", "Jämtland Träteknik AB", "company", "SE", "Jämtlands län", "Östersund", 25,
     "Jämtland Träteknik is a Swedish engineering company specialising in structural design of timber "
     "buildings in CLT and glulam. We perform fire, acoustic and vibration analyses for multi-storey timber "
     "buildings and advise manufacturers on connections and moisture protection during construction. We "
     "work with Norwegian builders on cross-border timber projects in the Trøndelag–Jämtland region.",
     "timber engineering;CLT design;glulam;fire safety;acoustics;moisture protection"),
    # -- offshore and fabrication --------------------------------------------------------------------
    ("verdal-stalmontasje", "Verdal Stålmontasje AS", "company", "NO", TR, "Verdal", 85,
     "Verdal Stålmontasje fabrikerer og monterer stålkonstruksjoner, rørsystemer og utstyrsmoduler for "
     "offshore, havbruk og landbasert industri. Vi er sertifisert etter NS-EN 1090 og ISO 3834 og har egen "
     "sveisehall med traverskraner opp til 40 tonn. Vi ønsker å automatisere mer av sveisingen og ta oppdrag "
     "innen havvind og havbasert oppdrett.",
     "stålfabrikasjon;sveising;rørsystemer;montasje;NS-EN 1090;offshore"),
    ("innherred-sveis", "Innherred Sveiseteknikk AS", "company", "NO", TR, "Levanger", 20,
     "Innherred Sveiseteknikk utfører spesialsveising i rustfritt stål, duplex og aluminium, og utarbeider "
     "sveiseprosedyrer (WPS) og prosedyreprøving. Vi tilbyr sveisekurs og sertifisering av sveisere i "
     "samarbeid med videregående skole og industrien. Vi vil teste orbitalsveising og laserhybridsveising "
     "for tynnere materialer.",
     "spesialsveising;WPS;sveisesertifisering;duplex;aluminiumsveising;sveiseopplæring"),
    ("orin-overflate", "Ørin Overflatebehandling AS", "company", "NO", TR, "Verdal", 28,
     "Ørin Overflatebehandling blåser og maler stålkonstruksjoner for offshore, havbruk og infrastruktur etter "
     "NORSOK M-501. Vi har store malingshaller og tilbyr termisk sprøytet aluminium (TSA) for langvarig "
     "korrosjonsbeskyttelse. Vi ønsker å redusere løsemiddelutslipp og automatisere påføringen med robot.",
     "overflatebehandling;korrosjonsbeskyttelse;NORSOK M-501;blåsing;TSA;maling"),
    ("offshore-wind-structures", "Trønder Offshore Wind Structures AS", "company", "NO", TR, "Trondheim", 14,
     "Trønder Offshore Wind Structures designs floating foundations for offshore wind turbines, with a "
     "concrete-steel hybrid semi-submersible optimised for fabrication at Norwegian yards. We do hydrodynamic "
     "analyses, mooring design and fatigue calculations, and we have tank-tested a 1:50 scale model. We seek "
     "yards and steel fabricators for a full-scale demonstrator.",
     "floating offshore wind;substructures;mooring;hydrodynamics;fatigue analysis;fabrication"),
    ("stiklestad-maskin", "Stiklestad Maskin AS", "company", "NO", TR, "Verdal", 42,
     "Stiklestad Maskin utfører CNC-maskinering av store og tunge komponenter i stål og aluminium, blant annet "
     "aksler, flenser og hydraulikkdeler. Vi har 5-akse fresemaskiner og dreiebenker for emner opptil 12 tonn, "
     "og reparerer slitedeler. Vi ønsker å ta i bruk additiv tilvirkning (3D-printing i metall) for "
     "reservedeler.",
     "CNC-maskinering;fresing;dreiing;reservedeler;additiv tilvirkning;metallbearbeiding"),
    ("vinne-hydraulikk", "Vinne Hydraulikk AS", "company", "NO", TR, "Verdal", 18,
     "Vinne Hydraulikk konstruerer og bygger hydrauliske vinsjer, kraner og løftesystemer for havbruk, "
     "fiskefartøy og offshore. Vi leverer også service og ombygging av hydraulikkanlegg. Vi utvikler "
     "elektriske vinsjer som erstatning for hydraulikk på batteridrevne båter.",
     "hydraulikk;vinsjer;kraner;løftesystemer;elektrifisering;service"),
    ("ndt-midt", "NDT Midt AS", "company", "NO", TR, "Verdal", 15,
     "NDT Midt utfører ikke-destruktiv testing av sveiser og materialer med ultralyd, radiografi, magnetpulver "
     "og penetrant. Vi har sertifiserte inspektører for offshore og landbasert industri, og tar i bruk "
     "fasestyrt ultralyd (PAUT) for raskere inspeksjon. Vi ønsker å digitalisere inspeksjonsrapporter og "
     "knytte dem til 3D-modeller.",
     "NDT;ultralyd;radiografi;PAUT;sveiseinspeksjon;kvalitetssikring"),
    # -- automation, robotics, digitalisation --------------------------------------------------------
    ("robotsyn", "Robotsyn AS", "company", "NO", TR, "Levanger", 17,
     "Robotsyn bygger robotceller med maskinsyn for industrien, blant annet for plukking av deler fra kasse, "
     "robotsveising og automatisk kvalitetskontroll på produksjonslinjer. Vi bruker 3D-kameraer, "
     "laserskannere og egne algoritmer for bildebehandling og baneplanlegging. Vi ønsker å utvikle "
     "robotløsninger som kan programmeres uten ekspertkompetanse, tilpasset små serier.",
     "robotikk;maskinsyn;3D-kamera;robotcelle;kvalitetskontroll;baneplanlegging"),
    ("styringsteknikk", "Styringsteknikk Midt AS", "company", "NO", TR, "Verdal", 30,
     "Styringsteknikk Midt leverer el- og automasjonsanlegg for prosess- og næringsmiddelindustri, med "
     "PLS-programmering, SCADA og tavlebygging. Vi har lang erfaring med Siemens og Beckhoff, og oppgraderer "
     "eldre styresystemer. Vi vil tilby fjernovervåking og datainnsamling fra maskinparken som grunnlag for "
     "prediktivt vedlikehold.",
     "PLS;SCADA;automasjon;tavlebygging;el-installasjon;styresystemer"),
    ("twinmark", "Twinmark Industrial AS", "company", "NO", TR, "Trondheim", 21,
     "Twinmark builds digital twins of production facilities: 3D models connected to live data from machines, "
     "sensors and ERP systems. Our software simulates material flow and capacity in fabrication yards, "
     "factories and fish farms, so customers can test production plans before they commit resources. We want "
     "pilot customers in steel fabrication and modular construction.",
     "digital twin;simulation;production planning;material flow;IoT integration;3D visualisation"),
    ("sensornett", "Sensornett AS", "company", "NO", TR, "Steinkjer", 13,
     "Sensornett utvikler og produserer trådløse IoT-sensorer for tilstandsovervåking av maskiner, bygg og "
     "infrastruktur, blant annet vibrasjon, temperatur og fukt. Sensorene kommuniserer over LoRaWAN og "
     "NB-IoT, og har batterilevetid på opptil ti år. Vi ønsker å utvikle sensorer som tåler sjøvann, for bruk "
     "i havbruk.",
     "IoT-sensorer;LoRaWAN;tilstandsovervåking;vibrasjonsmåling;trådløse sensorer;fuktmåling"),
    ("xr-opplaering", "Opplæring XR AS", "company", "NO", TR, "Verdal", 8,
     "Opplæring XR utvikler simulatorer i virtuell og utvidet virkelighet (VR/AR) for opplæring i industrien, "
     "blant annet sveisesimulator, kranføring og sikker jobbanalyse. Løsningene brukes av skoler og bedrifter "
     "til å trene før arbeid med ekte utstyr. Vi ønsker å utvikle kurs sammen med fagskoler og "
     "lærebedrifter.",
     "VR;AR;simulatorer;opplæring;sveisesimulator;HMS"),
    ("dronefabrikken", "Dronefabrikken Midt AS", "company", "NO", TR, "Stjørdal", 12,
     "Dronefabrikken Midt builds and operates drones for inspection of power lines, wind turbines, bridges and "
     "industrial buildings. We combine thermal and high-resolution cameras with photogrammetry to produce 3D "
     "models and damage reports. We are also developing an underwater drone (ROV) for inspecting submerged "
     "structures.",
     "drones;inspection;photogrammetry;thermal imaging;ROV;3D models"),
    # -- services ------------------------------------------------------------------------------------
    ("innherred-ingenior", "Innherred Ingeniørtjenester AS", "company", "NO", TR, "Levanger", 60,
     "Innherred Ingeniørtjenester er et rådgivende ingeniørfirma med kompetanse innen maskin, prosess, bygg og "
     "elektro. Vi utfører konstruksjon, FEM-analyser, prosjektering av prosessanlegg og prosjektledelse for "
     "industrikunder i Trøndelag. Vi hjelper ofte bedrifter med tekniske forstudier i tidlig fase av "
     "innovasjonsprosjekter.",
     "rådgivende ingeniør;konstruksjon;FEM-analyse;prosessprosjektering;prosjektledelse;forstudier"),
    ("industrilogistikk", "Trøndelag Industrilogistikk AS", "company", "NO", TR, "Verdal", 50,
     "Trøndelag Industrilogistikk tilbyr transport, lagring og havnelogistikk for industribedrifter i "
     "Innherred, inkludert spesialtransport av store konstruksjoner. Vi drifter lager og terminal og "
     "planlegger leveranser med digital sporing. Vi ønsker å ta i bruk elektriske og biogassdrevne "
     "lastebiler og samordne transporter mellom bedriftene.",
     "logistikk;spesialtransport;lagerdrift;havnelogistikk;sporing;samlast"),
    ("klimaregnskap", "Klimaregnskap Trøndelag AS", "company", "NO", TR, "Trondheim", 7,
     "Klimaregnskap Trøndelag performs life cycle assessments (LCA) and prepares environmental product "
     "declarations (EPD) for building products, food and industrial equipment. We also help companies with "
     "climate accounting, ESG reporting and the CSRD requirements. We want to build shared LCA data for the "
     "cluster's value chains.",
     "life cycle assessment;EPD;climate accounting;ESG reporting;CSRD;sustainability"),
    ("lederloft", "Lederløft Industri AS", "company", "NO", TR, "Verdal", 6,
     "Lederløft Industri leverer lederutvikling og arbeidslederopplæring til industribedrifter, med vekt på "
     "HMS, lean og medarbeiderskap. Programmene er utviklet sammen med bedrifter i klyngen og kombinerer "
     "samlinger med oppgaver i egen bedrift. Vi vil utvikle digitale læringsmoduler for skiftledere.",
     "lederutvikling;arbeidslederopplæring;lean;HMS;medarbeiderskap;kompetanseheving"),
    # -- members that joined recently: a profile and no projects yet ---------------------------------
    # Some write in English, Swedish or Danish, and some profiles are a single line, as in a real
    # cluster. The wind farm is a trap for "farm" in fish-farming ideas (and the other way round).
    ("innherred-vindpark", "Innherred Vindpark AS", "company", "NO", TR, "Verdal", 9,
     "Innherred Vindpark owns and operates an onshore wind farm of 22 turbines on the hills above Verdal. "
     "We handle grid agreements, noise and ice-throw monitoring, and the wind farm's dialogue with "
     "reindeer herders and neighbours. We want to store surplus wind power locally and sell it to industry "
     "in the valley.",
     "wind farm;wind power;turbine operation;ice detection;power purchase agreements;neighbour relations"),
    ("termolager", "Termolager Midt AS", "company", "NO", TR, "Stjørdal", 5,
     "Termolager Midt utvikler varmelager som lagrer overskuddsstrøm og spillvarme som varme i sand og "
     "stein ved opptil 500 °C. Lageret leverer damp og prosessvarme til industrien når strømmen er dyr.",
     "varmelager;termisk energilagring;sandbatteri;prosessvarme;damp;effektutjevning"),
    ("ladepark-midt", "Ladepark Midt AS", "company", "NO", TR, "Steinkjer", 4,
     "Ladepark Midt bygger og drifter ladestasjoner for elektriske lastebiler, anleggsmaskiner og busser.",
     "ladestasjoner;hurtiglading;tungtransport;anleggsmaskiner;effektstyring"),
    ("froya-bronnbat", "Frøya Brønnbåt AS", "company", "NO", TR, "Frøya", 45,
     "Frøya Brønnbåt driver tre brønnbåter som frakter levende fisk mellom settefiskanlegg, merder og "
     "slakteri, og som utfører ferskvannsbehandling og mekanisk avlusing om bord. Vi ønsker å måle "
     "vannkvalitet og stress hos fisken under transport.",
     "brønnbåt;levende fisk;transport av fisk;ferskvannsbehandling;avlusing;fiskevelferd"),
    ("jamtpack", "Jämtpack AB", "company", "SE", "Jämtlands län", "Östersund", 32,
     "Jämtpack tillverkar fiberbaserade förpackningar för livsmedel av massa från skogsindustrin, bland "
     "annat tråg för kött och fisk som ersätter plast. Vi utvecklar barriärer mot fett och fukt utan "
     "fluorkemikalier och söker livsmedelsföretag som vill testa förpackningarna.",
     "livsmedelsförpackningar;fiberbaserade förpackningar;barriärer;plastersättning;formpressad massa"),
    ("storsjo-isolering", "Storsjö Isolering AB", "company", "SE", "Jämtlands län", "Östersund", 18,
     "Storsjö Isolering tillverkar träfiberisolering av sågspån och flis från sågverk i Jämtland och "
     "Trøndelag. Skivorna används i väggar och tak i trähus och har låg klimatpåverkan.",
     "träfiberisolering;isolering;sågspån;byggmaterial;trähus;låg klimatpåverkan"),
    ("nordjysk-fodevarelab", "Nordjysk Fødevarelaboratorium ApS", "company", "DK", "Nordjylland", "Aalborg", 24,
     "Nordjysk Fødevarelaboratorium udfører mikrobiologiske og kemiske analyser af fødevarer, foder og "
     "vand for producenter i Norden. Vi tilbyder holdbarhedsforsøg, allergenanalyser og dokumentation "
     "af næringsindhold til mærkning af nye produkter.",
     "fødevareanalyser;mikrobiologi;holdbarhedsforsøg;allergener;næringsdeklaration;akkrediteret laboratorium"),
    ("vestjysk-akustik", "Vestjysk Akustik ApS", "company", "DK", "Midtjylland", "Herning", 11,
     "Vestjysk Akustik måler og dæmper støj og vibrationer i industrien, fra maskiner og ventilation til "
     "hele fabrikshaller. Vi beregner støjkort for virksomheder og vindmøller.",
     "støjmåling;støjdæmpning;vibrationer;akustik;arbejdsmiljø;støjkort"),
    ("sprakverkstedet", "Språkverkstedet Innherred AS", "company", "NO", TR, "Levanger", 8,
     "Språkverkstedet gir norskopplæring på arbeidsplassen for arbeidsinnvandrere i industri, havbruk og "
     "bygg, med fagord, sikkerhetsinstrukser og HMS-kurs på enkel norsk. Kursene kombinerer korte "
     "samlinger med læring i egen jobb.",
     "norskopplæring;arbeidsinnvandrere;fagspråk;HMS-opplæring;arbeidsplassbasert læring"),
    ("verdal-laserkutt", "Verdal Laserkutt AS", "company", "NO", TR, "Verdal", 16,
     "Laserskjæring, kantbretting og sveising av tynnplater i stål og aluminium for industri og bygg.",
     "laserskjæring;kantbretting;platearbeid;tynnplate;små serier"),
    ("workwear-loop", "Workwear Loop AS", "company", "NO", TR, "Trondheim", 6,
     "Workwear Loop collects used workwear and safety clothing from industrial companies, repairs what can "
     "be worn again and sorts the rest for textile recycling. We report the climate savings to each "
     "customer.",
     "workwear;textile recycling;repair;reuse;safety clothing;circular services"),
    ("smartbygg-energi", "Smartbygg Energi AS", "company", "NO", TR, "Trondheim", 12,
     "Smartbygg Energi installs and operates energy management for commercial and public buildings: "
     "sensors, control of heating, ventilation and lighting, and dashboards that show where energy is "
     "wasted. We typically cut a school's or office's energy use by 20–30 % without rebuilding.",
     "building energy management;HVAC control;energy monitoring;smart buildings;energy savings"),
    # -- foreign research ----------------------------------------------------------------------------
    ("norrland-bioinstitut", "Norrlands Bioekonomiinstitut", "research", "SE", "Västerbottens län", "Umeå", None,
     "Norrlands Bioekonomiinstitut is a Swedish research institute working on forest-based biorefining, "
     "biochar and bio-based materials. Our pilot facilities cover pretreatment, fractionation of "
     "lignocellulose and pyrolysis from kilogram to tonne scale. We take part in Nordic and EU projects with "
     "industrial partners that want to turn wood residues into higher-value products.",
     "biorefining;lignocellulose;biochar;pyrolysis;bio-based materials;pilot facilities"),
]

ORGANISATIONS = REAL_ORGANISATIONS + FICTIONAL_ORGANISATIONS

BIA = "Forskningsrådet (BIA)"
IN = "Innovasjon Norge"
RFF = "Regionalt forskningsfond Trøndelag"
TFK = "Trøndelag fylkeskommune"
EU = "EU Horisont Europa"
ENOVA = "Enova"
SMN = "Sparebank1 SMN Samfunnsløftet"

# (project_id, title, summary, programme, budget_nok, funding_source, [coordinator, partner, ...])
# start_year is read from the id.
PROJECTS = [
    # 2016 ------------------------------------------------------------------------------------------
    ("S2016-01", "Kompetanseløft for sveisere i Innherred",
     "Felles opplæringsprogram for sveisere og sveiseoperatører i klyngebedriftene, med sertifisering etter "
     "ISO 9606 og praksis i bedriftenes verksteder. Verdal videregående skole utvikler et påbyggingsløp for "
     "lærlinger innen sveising. Målet er å dekke behovet for sertifiserte sveisere ved store "
     "fabrikasjonsoppdrag.",
     "Kompetanseløft", 1_200_000, TFK,
     ["innherred-sveis", "verdal-vgs", "verdal-stalmontasje", "aker-solutions-verdal", "industrinavet"]),
    ("S2016-02", "Tømmerskanning og verdioptimalisering i sagbruk",
     "Forprosjekt for å teste 3D-skanning av tømmer ved innmating og koble skannedataene til optimalisering av "
     "oppdelingen. SINTEF vurderer nøyaktigheten i målingene. Forventet effekt er 4–6 % høyere verdiutbytte "
     "per tømmerstokk.",
     "Forprosjekt", 650_000, IN,
     ["ogndal-sag", "sintef", "innherred-ingenior"]),
    # 2017 ------------------------------------------------------------------------------------------
    ("S2017-01", "Automatisert fabrikasjon av stålmoduler",
     "Innovasjonsprosjekt for å automatisere sveising og montasje av standardiserte stålmoduler med "
     "robotceller og maskinsyn. Prosjektet utvikler metoder for automatisk baneplanlegging direkte fra "
     "3D-modeller. Målet er 30 % kortere produksjonstid i fabrikasjonshallen.",
     "IPN", 14_500_000, BIA,
     ["verdal-stalmontasje", "sintef", "robotsyn", "aker-solutions-verdal", "innherred-ingenior"]),
    ("S2017-02", "Drone inspection and rope-access repair of wind turbine blades",
     "Pilot project testing drone-based inspection combined with rope-access repair of leading-edge erosion on "
     "onshore wind turbine blades. NTNU tests repair materials in the lab. The goal is fewer days of downtime "
     "per repair.",
     "Forprosjekt", 900_000, RFF,
     ["fosen-vindservice", "ntnu", "dronefabrikken"]),
    ("S2017-03", "Ferdigmat med lokal fisk",
     "Forprosjekt for å utvikle kjølte ferdigretter med laks og hvitfisk fra Trøndelag, tilberedt med "
     "sous-vide og pakket i modifisert atmosfære. Nord universitet gjennomfører forbrukertester. Proneo "
     "bistår med forretningsmodell og markedsvurdering.",
     "Forprosjekt", 500_000, IN,
     ["levanger-ferdigmat", "nordoyan-sjomat", "nord-universitet", "proneo"]),
    # 2018 ------------------------------------------------------------------------------------------
    ("S2018-01", "Industriell produksjon av massivtre i Trøndelag",
     "Prosjektet utvikler en produksjonslinje for krysslimt tre (CLT) basert på lokal gran, med liming, "
     "pressing og CNC-bearbeiding. SINTEF og NTNU dokumenterer styrke og brannegenskaper, og Jämtland "
     "Träteknik bidrar med dimensjonering. Erfaringer fra byggeplass brukes til å forbedre elementene.",
     "IPN", 12_000_000, BIA,
     ["innherred-massivtre", "sintef", "ntnu", "ogndal-sag", "byggmesteran", "jamtland-tratek"]),
    ("S2018-02", "Bedre velferd for rognkjeks etter utsett",
     "Prosjektet undersøker hvordan fôring, skjul og helseoppfølging påvirker overlevelsen til rognkjeks i "
     "laksemerder. Nord universitet leder forsøkene, og Fiskehelse Midt utvikler en velferdsprotokoll. "
     "Resultatet skal gi bedre lusekontroll og mindre svinn av rensefisk.",
     "IPN", 9_800_000, BIA,
     ["namsen-rensefisk", "nord-universitet", "titran-laks", "fiskehelse-midt"]),
    ("S2018-03", "Arbeidslederskolen",
     "Opplæringsprogram for arbeidsledere og mellomledere i industrien, med samlinger om ledelse, HMS, lean og "
     "kommunikasjon. Deltakerne arbeider med et forbedringsprosjekt i egen bedrift mellom samlingene. "
     "Programmet gjennomføres årlig for klyngebedriftene.",
     "Kompetanseløft", 800_000, SMN,
     ["industrinavet", "lederloft", "verdal-naeringsforum", "verdal-stalmontasje", "innherred-kjott"]),
    ("S2018-04", "Energieffektiv kjøling i kjøttindustrien",
     "Kartlegging av energibruken i slakteri og foredling, med vekt på kjøling og varmtvann. Steinkjer "
     "Spillvarme prosjekterer en varmepumpe som bruker spillvarme fra kjøleanlegget til vask og prosessvann. "
     "Potensialet er anslått til 2 GWh spart energi per år.",
     "Forprosjekt", 1_400_000, ENOVA,
     ["innherred-kjott", "steinkjer-spillvarme", "sintef"]),
    # 2019 ------------------------------------------------------------------------------------------
    ("S2019-01", "Hydrogen til ferjer i Trøndelag",
     "Mulighetsstudie for produksjon og fylling av hydrogen til ferjesamband i Trøndelag. Studien vurderer "
     "plassering av elektrolysør, lagring, bunkringslogistikk og sikkerhet. Fylkeskommunen deltar som "
     "innkjøper av ferjetjenester.",
     "Forprosjekt", 1_800_000, TFK,
     ["innherred-hydrogen", "sintef", "trondelag-fylkeskommune", "proneo"]),
    ("S2019-02", "Insektprotein fra sidestrømmer i matindustrien",
     "Prosjektet utvikler en industriell prosess der larver av svart soldatflue fôres med returbrød og myse "
     "fra lokale matprodusenter. NIBIO analyserer næringsinnhold og mattrygghet i insektmelet. Proneo bistår "
     "med markedsstrategi mot fôrindustrien.",
     "IPN", 11_200_000, BIA,
     ["insektfor", "nibio", "hegra-bakeri", "inderoy-gardsmeieri", "proneo"]),
    ("S2019-03", "Lean-produksjon av boligmoduler",
     "Modulhus Midt kartlegger flyten i fabrikken og tester lean-verktøy og takttid i produksjonen av "
     "boligmoduler. SINTEF bidrar med produksjonsanalyse, og erfaringer fra montasje på byggeplass tas med "
     "inn i fabrikken.",
     "Forprosjekt", 1_100_000, IN,
     ["modulhus-midt", "sintef", "innherred-ingenior", "overhalla-bygg"]),
    ("S2019-04", "Sea lice counting with underwater cameras",
     "Innovation project developing automatic sea lice counting from camera images in commercial salmon pens. "
     "SINTEF and NTNU contribute machine learning and image analysis, and Titran Laks hosts the trials on two "
     "sites. The target is daily lice counts with the same accuracy as manual counting.",
     "IPN", 13_600_000, BIA,
     ["merdvision", "titran-laks", "sintef", "ntnu"]),
    # 2020 ------------------------------------------------------------------------------------------
    ("S2020-01", "Resirkulering av plast fra havbruk",
     "Prosjektet etablerer innsamling og mekanisk resirkulering av utrangerte flytekrager, rør og nøter fra "
     "oppdrettsanlegg i Trøndelag. SINTEF tester egenskapene til regranulatet, og Fosen Nøtservice "
     "organiserer retur av nøter. Målet er at minst 80 % av havbruksplasten fra deltakerne går til "
     "materialgjenvinning.",
     "IPN", 16_000_000, BIA,
     ["circular-polymers", "titran-laks", "fosen-notservice", "sintef", "proneo"]),
    ("S2020-02", "Digital transformasjon i industrien",
     "Spesialkurs i digital kommunikasjon og digital transformasjon for ledere og nøkkelpersoner i "
     "klyngebedriftene, gjennomført delvis digitalt under pandemien. Kurset kombinerer forelesninger fra NTNU "
     "med bedriftsbesøk og arbeid med egne digitaliseringsplaner.",
     "Kompetanseløft", 1_500_000, TFK,
     ["industrinavet", "ntnu", "verdal-naeringsforum", "styringsteknikk", "twinmark"]),
    ("S2020-03", "Havbasert CO2-fangst – leverandørkartlegging",
     "Forprosjekt som kartlegger hvilke komponenter og tjenester til havbaserte løsninger for CO2-fangst som "
     "kan leveres av bedrifter i klyngen, fra stålfabrikasjon til ingeniørtjenester. SINTEF bidrar med en "
     "teknisk vurdering av krav til materialer og produksjon.",
     "Forprosjekt", 1_000_000, IN,
     ["ocean-geoloop", "verdal-stalmontasje", "innherred-ingenior", "sintef"]),
    ("S2020-04", "Biogass fra fiskeslam og matavfall",
     "Utvidelse av biogassanlegget med forbehandling av fiskeslam fra landbasert oppdrett og settefiskanlegg. "
     "Biogassen leveres som LBG til lastebilene hos Trøndelag Industrilogistikk. NIBIO dokumenterer "
     "gjødselverdien av bioresten på kornåker.",
     "Demonstrasjon", 9_500_000, ENOVA,
     ["mare-biogass", "innherred-landlaks", "snasa-settefisk", "industrilogistikk", "nibio"]),
    ("S2020-05", "Shared energy system for Verdal Industripark",
     "Feasibility study for a shared energy system in the industrial park, combining load measurements, "
     "rooftop solar and a common battery. NTNU models capacity limits and grid tariffs. The study recommends a "
     "business model for a local energy community.",
     "Forprosjekt", 850_000, RFF,
     ["nettkraft-innherred", "verdal-industripark", "nidaros-batteri", "ntnu"]),
    # 2021 ------------------------------------------------------------------------------------------
    ("S2021-01", "Havmerd for eksponerte lokaliteter",
     "Prosjektet utvikler og modelltester en halvt nedsenkbar havmerd i stål for laks på eksponerte "
     "lokaliteter. SINTEF og NTNU utfører bassengforsøk og analyser av fortøyning og utmatting. "
     "Fabrikasjonsbedriftene i klyngen vurderer byggemetoder for en fullskala prototyp.",
     "IPN", 22_000_000, BIA,
     ["havdyp-offshore", "sintef", "ntnu", "verdal-stalmontasje", "aker-solutions-verdal", "vinne-hydraulikk"]),
    ("S2021-02", "Landbasert postsmolt med spillvarme",
     "Prosjektet bygger varmepumper og varmegjenvinning inn i et RAS-anlegg for stor postsmolt, og tester en "
     "ny denitrifikasjonsreaktor for slamreduksjon. Nord universitet følger opp fiskevelferd og vekst. Målet "
     "er 30 % lavere energibruk per kilo produsert fisk.",
     "IPN", 15_500_000, BIA,
     ["innherred-landlaks", "steinkjer-spillvarme", "nordsee-aquatech", "sintef", "nord-universitet"]),
    ("S2021-03", "Fagskoletilbud i automasjon og robotikk",
     "Utvikling av et deltidstilbud i automasjon og robotikk for fagarbeidere i klyngebedriftene. Modulene "
     "kombinerer nettbasert undervisning, samlinger i bedrift og VR-simulatorer. Verdal videregående skole "
     "bidrar med verksted og lærere.",
     "Kompetanseløft", 2_200_000, TFK,
     ["fagskolen-trondelag", "styringsteknikk", "verdal-vgs", "industrinavet", "xr-opplaering"]),
    ("S2021-04", "Lavkarbonbetong med bioaske",
     "Forprosjekt som tester bunnaske og flyveaske fra bioenergianlegg som delvis erstatning for sement i "
     "prefabrikkerte betongelementer. SINTEF måler fasthet, bestandighet og utlekking. Målet er 20 % lavere "
     "CO2-utslipp per kubikkmeter betong.",
     "Forprosjekt", 1_000_000, RFF,
     ["betongelement", "askeverdi", "skogn-bioenergi", "sintef"]),
    ("S2021-05", "Solar power and storage for farm buildings",
     "Pilot of bifacial solar panels and battery storage on dairy and grain farms, measuring production under "
     "snow and low sun angles. NIBIO evaluates agrivoltaic layouts on grassland. Proneo develops a leasing "
     "model for farmers.",
     "Forprosjekt", 700_000, IN,
     ["fosen-solkraft", "nidaros-batteri", "nibio", "proneo"]),
    ("S2021-06", "Hydrolysat av restråstoff fra laks",
     "Prosjektet utvikler enzymatisk hydrolyse av hoder og rygger fra lakseslakteriet til proteinhydrolysat "
     "for mat og fôr. Limfjord Food Technology kjører forsøk i sitt pilotanlegg, og SINTEF analyserer "
     "kvaliteten. Proneo utreder markedet for humant konsum.",
     "IPN", 12_400_000, BIA,
     ["nordoyan-sjomat", "limfjord-foodtech", "sintef", "proneo"]),
    # 2022 ------------------------------------------------------------------------------------------
    ("S2022-01", "Grønn hydrogen til hurtigbåt",
     "Demonstrasjon av et 5 MW PEM-elektrolyseanlegg med komprimering og fylling av hydrogen til en hurtigbåt "
     "i rutetrafikk. Oksygen fra elektrolysen leveres til Innherred Landlaks, og overskuddsvarmen brukes i "
     "anlegget. SINTEF og NTNU dokumenterer virkningsgrad og sikkerhet.",
     "Demonstrasjon", 24_000_000, ENOVA,
     ["innherred-hydrogen", "sintef", "ntnu", "industrilogistikk", "innherred-landlaks"]),
    ("S2022-02", "Ombruk av trevirke i nye bygg",
     "Prosjektet utvikler metoder for digital registrering og styrkesortering av brukt konstruksjonsvirke fra "
     "riving, slik at det kan brukes i nye bygg. Klimaregnskap Trøndelag beregner klimagevinsten, og "
     "ombrukt virke testes i et pilotbygg.",
     "IPN", 8_600_000, BIA,
     ["treretur", "innherred-massivtre", "byggmesteran", "sintef", "klimaregnskap"]),
    ("S2022-03", "Elektriske vinsjer for arbeidsbåter",
     "Forprosjekt for å erstatte hydrauliske vinsjer med elektriske på batteridrevne arbeidsbåter i havbruk. "
     "Elektrisk Sjø dimensjonerer energisystemet, og Innherred Ingeniørtjenester utfører konstruksjonen. "
     "Målet er en prototyp som kan testes på en arbeidsbåt året etter.",
     "Forprosjekt", 800_000, IN,
     ["vinne-hydraulikk", "elektrisk-sjo", "innherred-ingenior"]),
    ("S2022-04", "Underwater drone for net pen inspection",
     "Pilot project developing an underwater drone that follows the net wall and detects holes and fouling "
     "with cameras and sonar. Fosen Nøtservice tests the drone during routine net inspections. The aim is to "
     "replace part of the diving work with remote inspection.",
     "Forprosjekt", 1_200_000, RFF,
     ["dronefabrikken", "fosen-notservice", "sintef", "titran-laks"]),
    ("S2022-05", "Grønn omstilling i Industrinavet",
     "Klyngeprosjekt som hjelper bedriftene med klimaregnskap, energikartlegging og veikart for grønn "
     "omstilling. Prosjektet finansierer forstudier og kobler bedrifter med forskningspartnere. Flere av de "
     "konkrete innovasjonsprosjektene i klyngen har sitt utspring her.",
     "Klyngeprosjekt", 6_000_000, IN,
     ["industrinavet", "sintef", "proneo", "verdal-naeringsforum", "skogmo-industripark", "sparebank1-smn",
      "trondelag-fylkeskommune"]),
    ("S2022-06", "Vertikal dyrking med spillvarme og CO2",
     "Forprosjekt for et vertikalt dyrkingsanlegg ved siden av biogassanlegget, der CO2 fra oppgraderingen og "
     "spillvarme brukes i dyrkingen. NIBIO vurderer plantevekst og energibalanse. Målet er et lønnsomt "
     "anlegg for salat og urter hele året.",
     "Forprosjekt", 950_000, IN,
     ["vertikal-gront", "mare-biogass", "steinkjer-spillvarme", "nibio"]),
    # 2023 ------------------------------------------------------------------------------------------
    ("S2023-01", "Robotsveising for små serier",
     "Prosjektet utvikler en robotcelle for sveising av små serier der et 3D-kamera skanner emnet og roboten "
     "planlegger sveisebanen selv. Operatøren godkjenner banen på et nettbrett uten å programmere. Løsningen "
     "testes i produksjon hos Verdal Stålmontasje og Stiklestad Maskin.",
     "IPN", 13_000_000, BIA,
     ["robotsyn", "verdal-stalmontasje", "stiklestad-maskin", "sintef", "ntnu"]),
    ("S2023-02", "Digital twin of a fabrication yard",
     "Innovation project building a digital twin of a steel fabrication yard, linking 3D models with sensor "
     "data from cranes, welding stations and material storage. The twin simulates material flow and lets "
     "planners test schedules before production starts. SINTEF contributes discrete-event simulation.",
     "IPN", 10_500_000, BIA,
     ["twinmark", "aker-solutions-verdal", "sensornett", "sintef"]),
    ("S2023-03", "Insektmel og tare i fôr til laks",
     "Fôrforsøk med insektmel og fermentert tare som delvis erstatning for soyaprotein i fôr til laks. Nord "
     "universitet gjennomfører vekst- og helseforsøk, og Titran Laks vurderer resultatene for kommersiell "
     "bruk. Prosjektet skal dokumentere fordøyelighet, vekst og fiskehelse.",
     "IPN", 7_800_000, BIA,
     ["insektfor", "tare-froya", "nord-universitet", "titran-laks"]),
    ("S2023-04", "Kildesortering av metall i industriparken",
     "Forprosjekt for kildesortering av stålkapp, rustfritt og aluminiumsspon hos fabrikasjonsbedriftene i "
     "industriparken. Prosjektet tester merkede containere, XRF-kontroll og felles henting. Bedre sortering "
     "gir høyere pris og lavere klimaavtrykk for skrapet.",
     "Forprosjekt", 600_000, TFK,
     ["innherred-metall", "verdal-stalmontasje", "stiklestad-maskin", "verdal-industripark"]),
    ("S2023-05", "Local energy community in the industrial park",
     "Innovation project demonstrating a local energy community where companies in the industrial park share "
     "rooftop solar, a 2 MWh battery and flexible loads. NTNU develops the control algorithms and SpareBank 1 "
     "SMN assesses the financing model. The aim is to avoid costly grid upgrades.",
     "IPN", 9_000_000, BIA,
     ["nettkraft-innherred", "nidaros-batteri", "fosen-solkraft", "verdal-industripark", "ntnu",
      "sparebank1-smn"]),
    ("S2023-06", "Lærlinger i havbruk og industri",
     "Prosjektet utvikler felles læreplasser der lærlinger roterer mellom havbruks- og industribedrifter. "
     "VR-moduler gir trening i sikker jobbutførelse før praksis. Målet er flere lærekontrakter innen TIP-fag "
     "og akvakultur i Innherred.",
     "Kompetanseløft", 900_000, SMN,
     ["verdal-vgs", "titran-laks", "innherred-landlaks", "verdal-stalmontasje", "xr-opplaering"]),
    ("S2023-07", "Glass fibre recovery from wind turbine blades",
     "Pilot project testing pyrolysis at the Swedish partner's facility to recover glass fibres from "
     "decommissioned wind turbine blades. The recovered fibres are tested as reinforcement in precast concrete "
     "elements. SINTEF evaluates fibre strength and emissions.",
     "Forprosjekt", 1_100_000, RFF,
     ["kompositt-gjenvinning", "norrland-bioinstitut", "betongelement", "sintef"]),
    # 2024 ------------------------------------------------------------------------------------------
    ("S2024-01", "Lice counts and environmental data in one platform",
     "Innovation project combining camera-based lice counts and biomass estimates with sensors for oxygen, "
     "temperature and currents. Fiskehelse Midt develops early-warning rules for disease and gill problems. "
     "The platform is tested at three salmon farms.",
     "IPN", 14_000_000, BIA,
     ["merdvision", "sensornett", "fiskehelse-midt", "titran-laks", "ntnu"]),
    ("S2024-02", "Serieproduksjon av flytende havvindunderstell",
     "Prosjektet utvikler industriell serieproduksjon av flytende understell for havvind, med hybrid "
     "konstruksjon i betong og stål. Fabrikasjonsbedriftene i klyngen utvikler sveise-, inspeksjons- og "
     "overflatebehandlingsmetoder for serieproduksjon. Prosjektet er del av et europeisk konsortium med "
     "testing til havs.",
     "EU-prosjekt", 24_500_000, EU,
     ["offshore-wind-structures", "aker-solutions-verdal", "verdal-stalmontasje", "orin-overflate", "sintef",
      "ndt-midt"]),
    ("S2024-03", "Biokull til jord og betong",
     "Prosjektet skalerer opp pyrolyse av skogsavfall og bark til biokull, og dokumenterer bruk av biokull som "
     "jordforbedring og tilsats i betong. NIBIO gjennomfører feltforsøk, og Norrlands Bioekonomiinstitut "
     "optimaliserer pyrolyseprosessen. Biokullet gir varig karbonlagring.",
     "IPN", 10_000_000, BIA,
     ["skogn-bioenergi", "norrland-bioinstitut", "nibio", "betongelement", "treraff"]),
    ("S2024-04", "Plantebasert protein fra havre og åkerbønner",
     "Prosjektet utvikler tørrfraksjonering av havre og åkerbønner til proteinkonsentrat for bakevarer og "
     "plantebasert mat. Hegra Bakeri tester proteinrike brød, og Limfjord Food Technology bidrar med "
     "tørkeutstyr. Målet er norskprodusert plantebasert protein med lav energibruk.",
     "IPN", 8_200_000, BIA,
     ["kornforedling", "nibio", "hegra-bakeri", "limfjord-foodtech", "proneo"]),
    ("S2024-05", "Fleretasjes skole i massivtre",
     "Levanger kommune er offentlig innkjøper i et innovasjonsprosjekt om en fleretasjes skole i massivtre "
     "med hybride dekker av tre og betong. Jämtland Träteknik dokumenterer akustikk og brannsikkerhet, og "
     "Klimaregnskap Trøndelag beregner klimagassutslipp gjennom hele livsløpet.",
     "Innovasjonskontrakt", 5_500_000, IN,
     ["innherred-massivtre", "levanger-kommune", "jamtland-tratek", "overhalla-bygg", "klimaregnskap"]),
    ("S2024-06", "Prediktivt vedlikehold med trådløse sensorer",
     "Forprosjekt der vibrasjons- og temperatursensorer monteres på kompressorer, pumper og transportbånd i "
     "kjøttindustrien. NTNU utvikler modeller som varsler feil før de oppstår, og Styringsteknikk Midt kobler "
     "sensordataene til eksisterende SCADA.",
     "Forprosjekt", 1_300_000, RFF,
     ["sensornett", "styringsteknikk", "innherred-kjott", "ntnu"]),
    ("S2024-07", "Klimaregnskap for klyngebedrifter",
     "Kurs og veiledning der bedriftene lager sitt første klimaregnskap og forbereder seg på kravene i CSRD. "
     "Deltakerne får maler, felles utslippsfaktorer og hjelp til å velge tiltak. Resultatene deles anonymt i "
     "klyngen.",
     "Kompetanseløft", 1_000_000, TFK,
     ["klimaregnskap", "industrinavet", "hegra-bakeri", "stiklestad-maskin", "modulhus-midt"]),
    ("S2024-08", "Elektrifisering av fôrflåter",
     "Fôrflåtene på fire lokaliteter kobles til landstrøm, og en hybrid batteriløsning dekker effekttopper. "
     "Prosjektet erstatter dieselaggregater og reduserer utslippene med om lag 900 tonn CO2 per år. Nettkraft "
     "Innherred planlegger nettilknytningen.",
     "Demonstrasjon", 7_500_000, ENOVA,
     ["elektrisk-sjo", "titran-laks", "nettkraft-innherred", "nidaros-batteri"]),
    # 2025 ------------------------------------------------------------------------------------------
    ("S2025-01", "Oksygen og varme fra hydrogenproduksjon i landbasert oppdrett",
     "Prosjektet tester bruk av oksygen fra hydrogenproduksjon til oksygenering i RAS, og spillvarme fra "
     "elektrolysøren til oppvarming av vann. Nord universitet dokumenterer effekter på fiskevelferd. Målet er "
     "lavere kostnader til oksygen og energi.",
     "IPN", 16_000_000, BIA,
     ["innherred-landlaks", "innherred-hydrogen", "sintef", "nord-universitet"]),
    ("S2025-02", "Robotisert påføring av maling og TSA",
     "Prosjektet utvikler en robot som skanner stålkonstruksjoner og påfører maling og termisk sprøytet "
     "aluminium automatisk. Målet er jevnere lagtykkelse, mindre sløsing av maling og færre timer med tungt "
     "arbeid i malingshallen.",
     "IPN", 9_500_000, BIA,
     ["orin-overflate", "robotsyn", "sintef", "aker-solutions-verdal"]),
    ("S2025-03", "Traceable aquaculture plastics",
     "EU project on traceability of aquaculture plastics, from the purchase of pens and nets to recycling. "
     "Each component gets a digital product passport, and the consortium develops design-for-recycling rules "
     "with equipment suppliers. The Trøndelag pilot covers fish farms on Frøya and Hitra.",
     "EU-prosjekt", 19_000_000, EU,
     ["circular-polymers", "sintef", "titran-laks", "fosen-notservice", "klimaregnskap"]),
    ("S2025-04", "Industriens kompetansebehov mot 2030",
     "Kartlegging av kompetansebehovet i klyngebedriftene fram mot 2030, med vekt på automasjon, "
     "elektrifisering og havbruk. Resultatene brukes til å dimensjonere fagskole- og videregående tilbud. "
     "Nord universitet gjennomfører analysen.",
     "Kompetanseløft", 1_800_000, TFK,
     ["industrinavet", "nord-universitet", "fagskolen-trondelag", "verdal-vgs", "verdal-kommune"]),
    ("S2025-05", "Trådløse sensorer for sjøvann",
     "Forprosjekt for en sjøvannsbestandig utgave av de trådløse sensorene, med måling av oksygen og "
     "temperatur i merd. Sensorene testes sammen med kamerasystemet til MerdVision, og Fiskehelse Midt "
     "vurderer nytten for helseovervåking.",
     "Forprosjekt", 900_000, IN,
     ["sensornett", "merdvision", "fiskehelse-midt"]),
    ("S2025-06", "Fiskeslam til biogass og gjødsel",
     "Prosjektet utvikler avvanning og tørking av fiskeslam fra landbasert oppdrett, slik at slammet kan "
     "transporteres lønnsomt til biogassanlegget. Nordsee Aquatech tester slamreduksjon i RAS, og NIBIO "
     "dokumenterer gjødselverdien. Målet er at alt fiskeslam fra deltakerne blir utnyttet.",
     "IPN", 11_000_000, BIA,
     ["mare-biogass", "snasa-settefisk", "innherred-landlaks", "nordsee-aquatech", "nibio"]),
    ("S2025-07", "Robotisert veggproduksjon for boligmoduler",
     "Prosjektet automatiserer veggproduksjonen for boligmoduler med en robotcelle som spikrer og skrur etter "
     "digitale modeller. Twinmark lager en digital tvilling av fabrikken for å planlegge takt og bemanning.",
     "IPN", 12_500_000, BIA,
     ["modulhus-midt", "robotsyn", "twinmark", "sintef", "byggmesteran"]),
    ("S2025-08", "Lignin som bindemiddel i sponplater",
     "Forprosjekt som tester lignin fra sagflis som erstatning for fossilt bindemiddel i sponplater av "
     "returtre. NTNU tester mekaniske egenskaper og emisjoner, og Norrlands Bioekonomiinstitut leverer "
     "lignin fra sitt pilotanlegg til sammenligning.",
     "Forprosjekt", 1_400_000, RFF,
     ["treraff", "treretur", "norrland-bioinstitut", "ntnu"]),
    # 2026 ------------------------------------------------------------------------------------------
    ("S2026-01", "Knutepunkt for hydrogen og biogass i Innherred",
     "Planlegging av et regionalt knutepunkt for hydrogen og biogass til tungtransport og sjøfart i "
     "Innherred. Prosjektet kartlegger forbruk, lokalisering og eierskap, og Proneo utvikler "
     "forretningsmodellen.",
     "Klyngeprosjekt", 3_000_000, TFK,
     ["innherred-hydrogen", "industrilogistikk", "verdal-industripark", "mare-biogass", "proneo"]),
    ("S2026-02", "AI-based early warning of fish disease",
     "The project trains machine-learning models on health records, camera data and environmental sensors to "
     "predict outbreaks of gill disease and winter ulcers in salmon. Nord universitet validates the models "
     "against veterinary diagnoses.",
     "IPN", 13_500_000, BIA,
     ["fiskehelse-midt", "merdvision", "sensornett", "nord-universitet", "titran-laks"]),
    ("S2026-03", "Sveisere for havvind",
     "Opplæringsløp for sveisere og inspektører rettet mot serieproduksjon av havvindkonstruksjoner. "
     "Sveisesimulatorer i VR brukes i grunnopplæringen, og voksne i arbeid får mulighet til fagbrev og "
     "sertifisering.",
     "Kompetanseløft", 1_600_000, SMN,
     ["innherred-sveis", "verdal-vgs", "xr-opplaering", "fagskolen-trondelag", "aker-solutions-verdal"]),
    ("S2026-04", "Reservedeler med 3D-printing i metall",
     "Forprosjekt som tester additiv tilvirkning av reservedeler i stål til hydraulikk og maskiner, med pulver "
     "fra resirkulert metall. SINTEF kvalifiserer materialegenskapene.",
     "Forprosjekt", 1_200_000, IN,
     ["stiklestad-maskin", "sintef", "innherred-metall", "vinne-hydraulikk"]),
    ("S2026-05", "Tare som ingrediens i mat",
     "Utvikling av matprodukter med fermentert sukkertare, blant annet ost og bakevarer. Nord universitet "
     "gjennomfører sensoriske tester og forbrukerundersøkelser.",
     "Forprosjekt", 750_000, IN,
     ["tare-froya", "inderoy-gardsmeieri", "kornforedling", "nord-universitet"]),
    ("S2026-06", "Digital twin of a land-based salmon farm",
     "Digital twin of a land-based salmon farm that simulates water quality, oxygen use and energy flows in "
     "the RAS. Operators can test feeding and flow changes in the model before applying them. The project "
     "builds on Twinmark's twin of a fabrication yard.",
     "IPN", 9_800_000, BIA,
     ["twinmark", "innherred-landlaks", "snasa-settefisk", "sintef"]),
    ("S2026-07", "Second-life batteries from electric vehicles",
     "Pilot project on grading used electric vehicle battery modules for second-life storage and sending "
     "worn-out cells to certified recycling. NTNU develops fast state-of-health testing, and Klimaregnskap "
     "Trøndelag compares the climate footprint with new batteries.",
     "Forprosjekt", 1_100_000, RFF,
     ["nidaros-batteri", "innherred-metall", "ntnu", "klimaregnskap"]),
    ("S2026-08", "Utslippsfri byggeplass i Trøndelag",
     "Forprosjekt om utslippsfrie byggeplasser med elektriske anleggsmaskiner, midlertidig nettilknytning og "
     "biogassdrevet transport av byggevarer. Prosjektet måler energibruk og utslipp på byggeplasser hos "
     "entreprenørene i prosjektet.",
     "Forprosjekt", 900_000, TFK,
     ["industrilogistikk", "byggmesteran", "overhalla-bygg", "nettkraft-innherred", "mare-biogass"]),
]

# fmt: on


def organisation_rows() -> list[dict[str, str]]:
    rows = []
    for org_id, name, kind, country, region, municipality, employees, description, competences in ORGANISATIONS:
        rows.append(
            {
                "org_id": org_id,
                "name": name,
                "kind": kind,
                "country": country,
                "region": region,
                "org_number": "",
                "description": description,
                "competences": competences,
                "municipality": municipality,
                "employees": "" if employees is None else str(employees),
            }
        )
    return rows


def project_rows() -> list[dict[str, str]]:
    return [
        {
            "project_id": pid,
            "title": title,
            "summary": summary,
            "start_year": pid[1:5],
            "programme": programme,
            "budget_nok": str(budget),
            "funding_source": funding,
        }
        for pid, title, summary, programme, budget, funding, _ in PROJECTS
    ]


def participation_rows() -> list[dict[str, str]]:
    rows = []
    for pid, *_, members in PROJECTS:
        for i, org_id in enumerate(members):
            rows.append({"project_id": pid, "org_id": org_id, "role": "coordinator" if i == 0 else "partner"})
    return rows


TABLES = {
    "organisations.csv": (ORG_COLUMNS, organisation_rows),
    "projects.csv": (PROJECT_COLUMNS, project_rows),
    "participations.csv": (PARTICIPATION_COLUMNS, participation_rows),
}


def write(folder: Path = HERE) -> None:
    for filename, (columns, rows) in TABLES.items():
        with open(folder / filename, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows())


if __name__ == "__main__":
    write()
