/**
 * Word lists for the synthetic dump: French public-sector geodata, shaped like the Ecosphères
 * catalogue (Géo-IDE sources, DDT/DREAL publishers, INSEE codes, INSPIRE phrases).
 */

export interface Departement {
  code: string;
  name: string;
  /** "de la Haute-Savoie", "du Var": used in titles and organisation names. */
  of: string;
  region: string;
  /** INSEE region code; absent for Saint-Pierre-et-Miquelon (a collectivité, not a region). */
  regionCode?: string;
  lon: number;
  lat: number;
  coastal: boolean;
  /** [INSEE commune code, name]. */
  communes: readonly (readonly [string, string])[];
}

export const DEPARTEMENTS: readonly Departement[] = [
  {
    code: '01',
    name: 'Ain',
    of: "de l'Ain",
    region: 'Auvergne-Rhône-Alpes',
    regionCode: '84',
    lon: 5.35,
    lat: 46.1,
    coastal: false,
    communes: [
      ['01053', 'Bourg-en-Bresse'],
      ['01004', 'Ambérieu-en-Bugey'],
      ['01173', 'Gex'],
    ],
  },
  {
    code: '06',
    name: 'Alpes-Maritimes',
    of: 'des Alpes-Maritimes',
    region: "Provence-Alpes-Côte d'Azur",
    regionCode: '93',
    lon: 7.1,
    lat: 43.95,
    coastal: true,
    communes: [
      ['06088', 'Nice'],
      ['06029', 'Cannes'],
      ['06004', 'Antibes'],
    ],
  },
  {
    code: '13',
    name: 'Bouches-du-Rhône',
    of: 'des Bouches-du-Rhône',
    region: "Provence-Alpes-Côte d'Azur",
    regionCode: '93',
    lon: 5.1,
    lat: 43.5,
    coastal: true,
    communes: [
      ['13055', 'Marseille'],
      ['13001', 'Aix-en-Provence'],
      ['13004', 'Arles'],
    ],
  },
  {
    code: '14',
    name: 'Calvados',
    of: 'du Calvados',
    region: 'Normandie',
    regionCode: '28',
    lon: -0.4,
    lat: 49.1,
    coastal: true,
    communes: [
      ['14118', 'Caen'],
      ['14047', 'Bayeux'],
      ['14366', 'Lisieux'],
    ],
  },
  {
    code: '29',
    name: 'Finistère',
    of: 'du Finistère',
    region: 'Bretagne',
    regionCode: '53',
    lon: -4.1,
    lat: 48.25,
    coastal: true,
    communes: [
      ['29019', 'Brest'],
      ['29232', 'Quimper'],
      ['29151', 'Morlaix'],
    ],
  },
  {
    code: '31',
    name: 'Haute-Garonne',
    of: 'de la Haute-Garonne',
    region: 'Occitanie',
    regionCode: '76',
    lon: 1.2,
    lat: 43.35,
    coastal: false,
    communes: [
      ['31555', 'Toulouse'],
      ['31069', 'Blagnac'],
      ['31395', 'Muret'],
    ],
  },
  {
    code: '33',
    name: 'Gironde',
    of: 'de la Gironde',
    region: 'Nouvelle-Aquitaine',
    regionCode: '75',
    lon: -0.6,
    lat: 44.85,
    coastal: true,
    communes: [
      ['33063', 'Bordeaux'],
      ['33009', 'Arcachon'],
      ['33243', 'Libourne'],
    ],
  },
  {
    code: '34',
    name: 'Hérault',
    of: "de l'Hérault",
    region: 'Occitanie',
    regionCode: '76',
    lon: 3.4,
    lat: 43.6,
    coastal: true,
    communes: [
      ['34172', 'Montpellier'],
      ['34032', 'Béziers'],
      ['34301', 'Sète'],
    ],
  },
  {
    code: '35',
    name: 'Ille-et-Vilaine',
    of: "d'Ille-et-Vilaine",
    region: 'Bretagne',
    regionCode: '53',
    lon: -1.65,
    lat: 48.15,
    coastal: true,
    communes: [
      ['35238', 'Rennes'],
      ['35288', 'Saint-Malo'],
      ['35115', 'Fougères'],
    ],
  },
  {
    code: '38',
    name: 'Isère',
    of: "de l'Isère",
    region: 'Auvergne-Rhône-Alpes',
    regionCode: '84',
    lon: 5.6,
    lat: 45.25,
    coastal: false,
    communes: [
      ['38185', 'Grenoble'],
      ['38544', 'Vienne'],
      ['38553', 'Voiron'],
    ],
  },
  {
    code: '44',
    name: 'Loire-Atlantique',
    of: 'de la Loire-Atlantique',
    region: 'Pays de la Loire',
    regionCode: '52',
    lon: -1.7,
    lat: 47.35,
    coastal: true,
    communes: [
      ['44109', 'Nantes'],
      ['44184', 'Saint-Nazaire'],
      ['44069', 'Guérande'],
    ],
  },
  {
    code: '59',
    name: 'Nord',
    of: 'du Nord',
    region: 'Hauts-de-France',
    regionCode: '32',
    lon: 3.2,
    lat: 50.45,
    coastal: true,
    communes: [
      ['59350', 'Lille'],
      ['59183', 'Dunkerque'],
      ['59606', 'Valenciennes'],
    ],
  },
  {
    code: '67',
    name: 'Bas-Rhin',
    of: 'du Bas-Rhin',
    region: 'Grand Est',
    regionCode: '44',
    lon: 7.55,
    lat: 48.65,
    coastal: false,
    communes: [
      ['67482', 'Strasbourg'],
      ['67180', 'Haguenau'],
      ['67462', 'Sélestat'],
    ],
  },
  {
    code: '69',
    name: 'Rhône',
    of: 'du Rhône',
    region: 'Auvergne-Rhône-Alpes',
    regionCode: '84',
    lon: 4.65,
    lat: 45.9,
    coastal: false,
    communes: [
      ['69123', 'Lyon'],
      ['69266', 'Villeurbanne'],
      ['69264', 'Villefranche-sur-Saône'],
    ],
  },
  {
    code: '73',
    name: 'Savoie',
    of: 'de la Savoie',
    region: 'Auvergne-Rhône-Alpes',
    regionCode: '84',
    lon: 6.45,
    lat: 45.5,
    coastal: false,
    communes: [
      ['73065', 'Chambéry'],
      ['73011', 'Albertville'],
      ['73008', 'Aix-les-Bains'],
    ],
  },
  {
    code: '74',
    name: 'Haute-Savoie',
    of: 'de la Haute-Savoie',
    region: 'Auvergne-Rhône-Alpes',
    regionCode: '84',
    lon: 6.4,
    lat: 46.0,
    coastal: false,
    communes: [
      ['74010', 'Annecy'],
      ['74056', 'Chamonix-Mont-Blanc'],
      ['74079', 'Cluses'],
      ['74281', 'Thonon-les-Bains'],
    ],
  },
  {
    code: '75',
    name: 'Paris',
    of: 'de Paris',
    region: 'Île-de-France',
    regionCode: '11',
    lon: 2.35,
    lat: 48.86,
    coastal: false,
    communes: [['75056', 'Paris']],
  },
  {
    code: '83',
    name: 'Var',
    of: 'du Var',
    region: "Provence-Alpes-Côte d'Azur",
    regionCode: '93',
    lon: 6.2,
    lat: 43.45,
    coastal: true,
    communes: [
      ['83137', 'Toulon'],
      ['83069', 'Hyères'],
      ['83050', 'Draguignan'],
    ],
  },
  {
    code: '2A',
    name: 'Corse-du-Sud',
    of: 'de Corse-du-Sud',
    region: 'Corse',
    regionCode: '94',
    lon: 8.95,
    lat: 41.85,
    coastal: true,
    communes: [
      ['2A004', 'Ajaccio'],
      ['2A247', 'Porto-Vecchio'],
      ['2A041', 'Bonifacio'],
    ],
  },
  {
    code: '2B',
    name: 'Haute-Corse',
    of: 'de Haute-Corse',
    region: 'Corse',
    regionCode: '94',
    lon: 9.25,
    lat: 42.4,
    coastal: true,
    communes: [
      ['2B033', 'Bastia'],
      ['2B096', 'Corte'],
      ['2B050', 'Calvi'],
    ],
  },
  {
    code: '971',
    name: 'Guadeloupe',
    of: 'de la Guadeloupe',
    region: 'Guadeloupe',
    regionCode: '01',
    lon: -61.55,
    lat: 16.2,
    coastal: true,
    communes: [
      ['97105', 'Basse-Terre'],
      ['97120', 'Pointe-à-Pitre'],
      ['97101', 'Les Abymes'],
    ],
  },
  {
    code: '972',
    name: 'Martinique',
    of: 'de la Martinique',
    region: 'Martinique',
    regionCode: '02',
    lon: -61.0,
    lat: 14.65,
    coastal: true,
    communes: [
      ['97209', 'Fort-de-France'],
      ['97213', 'Le Lamentin'],
      ['97229', 'Schœlcher'],
    ],
  },
  {
    code: '973',
    name: 'Guyane',
    of: 'de la Guyane',
    region: 'Guyane',
    regionCode: '03',
    lon: -53.2,
    lat: 4.0,
    coastal: true,
    communes: [
      ['97302', 'Cayenne'],
      ['97304', 'Kourou'],
      ['97311', 'Saint-Laurent-du-Maroni'],
    ],
  },
  {
    code: '974',
    name: 'La Réunion',
    of: 'de La Réunion',
    region: 'La Réunion',
    regionCode: '04',
    lon: 55.5,
    lat: -21.12,
    coastal: true,
    communes: [
      ['97411', 'Saint-Denis'],
      ['97416', 'Saint-Pierre'],
      ['97415', 'Saint-Paul'],
    ],
  },
  {
    code: '975',
    name: 'Saint-Pierre-et-Miquelon',
    of: 'de Saint-Pierre-et-Miquelon',
    region: 'Saint-Pierre-et-Miquelon',
    lon: -56.3,
    lat: 46.95,
    coastal: true,
    communes: [
      ['97502', 'Saint-Pierre'],
      ['97501', 'Miquelon-Langlade'],
    ],
  },
  {
    code: '976',
    name: 'Mayotte',
    of: 'de Mayotte',
    region: 'Mayotte',
    regionCode: '06',
    lon: 45.15,
    lat: -12.8,
    coastal: true,
    communes: [
      ['97611', 'Mamoudzou'],
      ['97608', 'Dzaoudzi'],
      ['97610', 'Koungou'],
    ],
  },
];

/** The odd INSEE codes downstream code must handle; the generator uses them often. */
export const NOTABLE_COMMUNES = ['74079', '97105', '2A004', '2B033', '97411', '97611', '97502'] as const;

export const THEME_BASE = 'http://registre.data.developpement-durable.gouv.fr/ecospheres/themes-ecospheres/';

export const STATUS_EU = 'http://publications.europa.eu/resource/authority/dataset-status/';
export const STATUS_ISO = 'http://registre.data.developpement-durable.gouv.fr/plume/ISO19139ProgressCode/';
export const STATUS_EU_CODES = ['COMPLETED', 'DEPRECATED', 'DEVELOP', 'WITHDRAWN'] as const;
export const STATUS_ISO_CODES = [
  'onGoing',
  'completed',
  'historicalArchive',
  'obsolete',
  'planned',
  'required',
  'underDevelopment',
] as const;

export const FREQUENCY_BASE = 'http://inspire.ec.europa.eu/metadata-codelist/MaintenanceFrequency/';
export const FREQUENCIES: readonly (readonly [string, number])[] = [
  ['asNeeded', 30],
  ['irregular', 15],
  ['annually', 15],
  ['unknown', 10],
  ['notPlanned', 8],
  ['monthly', 6],
  ['continual', 4],
  ['quarterly', 4],
  ['biannually', 3],
  ['weekly', 2],
  ['daily', 2],
  ['fortnightly', 1],
];

export const CRS: readonly string[] = [
  '2154',
  '2154',
  '2154',
  '4326',
  '3857',
  '5490',
  '2972',
  '2975',
  '4471',
  '3948',
];

export const LICENCES: readonly (readonly [string, number])[] = [
  ['https://spdx.org/licenses/etalab-2.0', 85],
  ['https://spdx.org/licenses/ODbL-1.0', 3],
  ['https://spdx.org/licenses/CC-BY-4.0', 2],
  ['https://www.etalab.gouv.fr/licence-ouverte-open-licence', 2],
  ['', 8],
];

/** [rdfs:label of the MediaTypeOrExtent, file extension, IANA media type or '']. */
export const FORMATS: readonly (readonly [readonly [string, string, string], number])[] = [
  [['ESRI Shapefile (SHP)', 'zip', 'application/zip'], 30],
  [['MapInfo TAB', 'zip', ''], 14],
  [['GeoJSON', 'geojson', 'application/geo+json'], 10],
  [['CSV', 'csv', 'text/csv'], 10],
  [['Inconnu', 'bin', ''], 10],
  [['PDF', 'pdf', 'application/pdf'], 9],
  [['ZIP', 'zip', 'application/zip'], 7],
  [['KML', 'kml', 'application/vnd.google-earth.kml+xml'], 3],
  [['GeoPackage', 'gpkg', 'application/geopackage+sqlite3'], 3],
  [['XLSX', 'xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'], 2],
  [['WMS', 'xml', ''], 2],
];

export const SERVICE_TYPES: readonly string[] = [
  'http://www.opengis.net/def/serviceType/ogc/wms',
  'http://www.opengis.net/def/serviceType/ogc/wfs',
  'http://www.opengis.net/def/serviceType/ogc/wms',
  'https://inspire.ec.europa.eu/id/document/tg/download-predefined',
  'http://www.opengis.net/def/serviceType/ogc/wmts',
];

export const SOURCE_CATALOGS: readonly (readonly [string, number])[] = [
  ['GéoIDE Catalogue', 40],
  ['Géo-IDE DDT 74', 8],
  ['Géo-IDE DDTM 13', 6],
  ['Géo-IDE DREAL Auvergne-Rhône-Alpes', 6],
  ['Géo-IDE DEAL Guadeloupe', 4],
  ['Géo-IDE DDT 2A', 3],
  ['Catalogue du Cerema', 5],
  ['Sextant', 4],
  ['GéoBretagne', 4],
  ['DataARA', 3],
];

export const ACCESS_PHRASES: readonly (readonly [string, number])[] = [
  ["Pas de restriction d'accès public selon INSPIRE", 45],
  ["Aucun des articles de la loi ne peut être invoqué pour justifier d'une restriction d'accès public.", 30],
  ['Pas de restriction d’accès public', 5],
  ["Restriction d'accès public au titre de l'article L124-4-I-1 du code de l'environnement", 4],
  ['Diffusion restreinte : données réservées aux services de l’État', 3],
];

export const ACCESS_PHRASES_EN: readonly string[] = [
  'No limitations to public access',
  'Conditions unknown',
  'Public access limited according to Article 13(1)(e) of the INSPIRE Directive',
];

/** Long, multi-line usage conditions (the second rights statement of most datasets). */
export const CONDITIONS: readonly string[] = [
  "Licence Ouverte / Open Licence version 2.0\nLa réutilisation des informations est libre, sous réserve de mentionner la paternité de l'information : la source (« {org} ») et la date de dernière mise à jour.\nLes données sont fournies « en l'état », sans garantie d'exhaustivité ni d'exactitude.\nElles ne peuvent être utilisées à une échelle plus précise que celle de leur saisie (1/{scale}).",
  "Conditions d'utilisation :\n- usage libre sous réserve des mentions obligatoires sur tout document de diffusion : « Source : {org} » ;\n- les données ne sont pas opposables : seuls les documents approuvés et annexés à l'acte administratif font foi ;\n- toute modification des données doit être signalée.\nContact : {email}",
  'Conditions inconnues',
  'Les données sont diffusées sous Licence Ouverte (Etalab 2.0).\nLa numérisation a été réalisée à partir du document papier approuvé ; en cas de divergence, le document papier prévaut.\nEchelle de validité : 1/{scale}.\nMention obligatoire : « {org} - {year} ».',
  "Usage réservé aux services de l'État et aux collectivités partenaires dans le cadre de leurs missions de service public.\nToute diffusion à des tiers est soumise à l'accord préalable du producteur ({org}).",
  'Open licence: free reuse provided the source is acknowledged.',
  "Licence ODbL : vous êtes libres de partager et d'adapter la base de données, à condition de l'attribuer, de la partager aux mêmes conditions et de la maintenir ouverte.\nVoir https://opendatacommons.org/licenses/odbl/ pour le texte complet.",
];

export const PROVENANCE: readonly string[] = [
  "Numérisation à partir des plans papier annexés à l'arrêté préfectoral d'approbation, calage sur le cadastre (PCI vecteur) de l'année {year}.",
  'Données issues de la base nationale {base}, extraction pour le territoire {of} puis contrôle topologique.',
  "Saisie réalisée par le bureau d'études sous maîtrise d'ouvrage de la {orgShort}.\nContrôle qualité : vérification de la géométrie, de l'exhaustivité et de la conformité au standard COVADIS.",
  'Mise à jour annuelle par croisement avec les fichiers fonciers (MAJIC) et la BD TOPO® de l’IGN.',
];

export interface Topic {
  weight: number;
  themes: readonly string[];
  titles: readonly string[];
  seriesTitles: readonly string[];
  keywords: readonly string[];
  intro: readonly string[];
  /** Makes the title or description mention "PPRN"/"prévention des risques naturels". */
  pprn?: boolean;
}

export const TOPICS: readonly Topic[] = [
  {
    weight: 14,
    pprn: true,
    themes: ['risques', 'amenagement-et-urbanisme'],
    titles: [
      'Plan de prévention des risques naturels (PPRN) {risk} de {commune}',
      'PPRN {risk} - {commune} - zonage réglementaire',
      'Aléa {risk} du PPRN de {commune}',
      'Périmètres des PPRN approuvés {of}',
    ],
    seriesTitles: ['Plans de prévention des risques naturels {of}', 'Série PPRN {risk} {of}'],
    keywords: [
      'Risques naturels',
      'PPRN',
      'Plan de prévention des risques naturels, PPRN',
      'Zonage réglementaire',
      'Risque inondation',
      'Aléa',
      'Zones à risque naturel',
      'Servitude PM1',
      'Inondation / Submersion',
    ],
    intro: [
      "Le plan de prévention des risques naturels (PPRN) {risk} de la commune de {commune} a été approuvé par arrêté préfectoral du {date}. Il délimite les zones exposées aux risques et réglemente l'utilisation des sols en conséquence.",
      "Ce lot de données décrit le zonage réglementaire du PPRN {risk} prescrit sur {commune}. Le PPRN est une servitude d'utilité publique annexée au document d'urbanisme ; il a pour objet la prévention des risques naturels prévisibles.",
    ],
  },
  {
    weight: 16,
    themes: ['amenagement-et-urbanisme', 'logement'],
    titles: [
      "Plan local d'urbanisme (PLU) de {commune} - zonage",
      "Servitudes d'utilité publique de type {sup} {of}",
      'Carte communale de {commune}',
      'Schéma de cohérence territoriale (SCoT) du bassin {commune}',
    ],
    seriesTitles: ["Documents d'urbanisme {of}", "Servitudes d'utilité publique {of}"],
    keywords: [
      'Urbanisme / Planification',
      'PLU',
      "Document d'urbanisme",
      'Aménagement, urbanisme',
      'Zonage',
      'Usage des sols',
      'SUP',
      'données ouvertes',
    ],
    intro: [
      "Zonage du plan local d'urbanisme de {commune}, numérisé selon le standard CNIG PLU. Les zones urbaines (U), à urbaniser (AU), agricoles (A) et naturelles (N) y sont représentées.",
      "Localisation des servitudes d'utilité publique de type {sup} affectant l'utilisation du sol sur le territoire {of}, conformément au standard CNIG SUP.",
    ],
  },
  {
    weight: 12,
    themes: ['eau', 'sante'],
    titles: [
      "Périmètres de protection des captages d'eau potable {of}",
      'Zones de répartition des eaux {of}',
      "Cours d'eau au titre de la police de l'eau {of} ({year})",
      'Zones vulnérables aux nitrates d’origine agricole - {region}',
    ],
    seriesTitles: ["Cours d'eau BCAE {of}", 'Zones vulnérables {region}'],
    keywords: [
      'Eau',
      "Cours d'eau",
      'Captage, AEP',
      'Hydrographie',
      'Police de l’eau',
      'Eau, milieux aquatiques',
      'Directive cadre sur l’eau / DCE',
    ],
    intro: [
      "Cartographie des cours d'eau {of} au sens de l'article L.215-7-1 du code de l'environnement, établie par la DDT en concertation avec les acteurs locaux.",
      "Délimitation des périmètres de protection immédiate, rapprochée et éloignée des captages destinés à l'alimentation en eau potable sur le territoire {of}.",
    ],
  },
  {
    weight: 8,
    themes: ['bruit', 'mobilite-et-transports'],
    titles: [
      'Cartes de bruit stratégiques {year} - {of}',
      'Classement sonore des infrastructures de transports terrestres {of}',
    ],
    seriesTitles: ['Cartes de bruit stratégiques {of}'],
    keywords: [
      'Bruit',
      'Nuisances sonores',
      'Directive 2002/49/CE',
      'Infrastructures de transport',
      'Lden, Ln',
    ],
    intro: [
      "Les cartes de bruit stratégiques (CBS) {of} représentent l'exposition au bruit des populations le long des grandes infrastructures de transport, selon les indicateurs Lden et Ln.",
    ],
  },
  {
    weight: 12,
    themes: ['nature-et-biodiversite', 'eau'],
    titles: [
      "Zones naturelles d'intérêt écologique, faunistique et floristique (ZNIEFF) de type {znieff} - {region}",
      'Inventaire des zones humides {of}',
      'Arrêtés préfectoraux de protection de biotope {of}',
      'Sites Natura 2000 (directive Habitats) {of}',
    ],
    seriesTitles: ['Inventaires du patrimoine naturel {region}', 'Zones humides {of}'],
    keywords: [
      'Biodiversité',
      'ZNIEFF',
      'Natura 2000',
      'Zones humides',
      'Faune, flore',
      'Sites protégés',
      'Patrimoine naturel / Inventaire',
    ],
    intro: [
      "Inventaire des zones humides {of} réalisé selon les critères de l'arrêté du 24 juin 2008 modifié (critères pédologiques et floristiques).",
      "Périmètres des zones naturelles d'intérêt écologique, faunistique et floristique de type {znieff} de la région {region}, issus de l'inventaire national du patrimoine naturel.",
    ],
  },
  {
    weight: 8,
    themes: ['agriculture', 'foret'],
    titles: [
      'Registre parcellaire graphique {year} - {of}',
      "Zones d'appui à la défense des forêts contre l'incendie {of}",
      'Forêts publiques relevant du régime forestier {of}',
    ],
    seriesTitles: ['Registre parcellaire graphique {of}'],
    keywords: ['Agriculture', 'Forêt', 'RPG', 'DFCI', 'Occupation du sol', 'Parcelles agricoles, îlots'],
    intro: [
      'Le registre parcellaire graphique (RPG) {year} décrit les îlots culturaux déclarés au titre de la politique agricole commune sur le territoire {of}.',
    ],
  },
  {
    weight: 8,
    themes: ['logement', 'amenagement-et-urbanisme'],
    titles: [
      'Répertoire des logements locatifs sociaux (RPLS) {year} - {of}',
      'Quartiers prioritaires de la politique de la ville {of}',
      "Périmètres des opérations programmées d'amélioration de l'habitat {of}",
    ],
    seriesTitles: ['Logement social {of}'],
    keywords: ['Logement', 'Habitat', 'RPLS', 'Politique de la ville', 'Logement social / HLM'],
    intro: [
      'Localisation des logements locatifs sociaux {of} au 1er janvier {year}, à partir du répertoire RPLS.',
    ],
  },
  {
    weight: 8,
    themes: ['mobilite-et-transports'],
    titles: ['Réseau routier national {of}', 'Aires de covoiturage {of}', 'Itinéraires cyclables {of}'],
    seriesTitles: ['Infrastructures de transport {of}'],
    keywords: ['Transport', 'Route', 'Mobilité', 'Covoiturage', 'Réseaux de transport', 'Vélo / cyclable'],
    intro: [
      'Tracé des routes nationales et autoroutes non concédées {of}, mis à jour à partir de la BD TOPO®.',
    ],
  },
  {
    weight: 7,
    themes: ['energie', 'climat'],
    titles: [
      "Zones favorables au développement de l'éolien {of}",
      'Installations de production photovoltaïque au sol {of}',
      "Zones d'accélération des énergies renouvelables de {commune}",
    ],
    seriesTitles: ['Énergies renouvelables {region}'],
    keywords: [
      'Énergie',
      'Éolien',
      'Photovoltaïque',
      'Climat, air, énergie',
      'ENR / EnR',
      'Transition énergétique',
    ],
    intro: [
      "Cartographie des zones favorables à l'implantation d'éoliennes {of}, tenant compte des servitudes aéronautiques, des enjeux paysagers et de biodiversité.",
    ],
  },
  {
    weight: 7,
    themes: ['mer-et-littoral', 'risques'],
    titles: [
      'Trait de côte historique {of}',
      'Zones de mouillages et d’équipements légers {of}',
      'Domaine public maritime {of}',
    ],
    seriesTitles: ['Littoral {of}'],
    keywords: ['Littoral', 'Mer', 'Trait de côte', 'Érosion côtière', 'Domaine public maritime, DPM'],
    intro: [
      "Position historique du trait de côte {of}, obtenue par photo-interprétation d'orthophotographies de {year}.",
    ],
  },
];

export const RISKS: readonly string[] = [
  'inondation',
  'mouvements de terrain',
  'avalanches',
  'submersion marine',
  'incendies de forêt',
  'séisme',
  'crues torrentielles',
  'multirisques',
];

export const SUP_TYPES: readonly string[] = ['AC1', 'AS1', 'I4', 'PM1', 'PT2', 'T1', 'EL7', 'A4'];

/** Sentences appended to descriptions; placeholders are filled by the generator. */
export const SENTENCES: readonly string[] = [
  'Les données sont produites par la {orgShort} et mises à jour au fil des procédures.',
  "La précision géométrique est compatible avec une exploitation au 1/{scale} ; l'utilisation à une échelle plus fine est déconseillée.",
  'Les géométries ont été calées sur le plan cadastral informatisé (PCI vecteur) millésime {year}.',
  'Ce jeu de données respecte le standard de données COVADIS correspondant, validé par la commission de validation des données pour l’information spatialisée.',
  "Les attributs décrivent notamment l'identifiant de la procédure, la date d'approbation, le type de zone et le lien vers l'acte administratif.",
  "Pour toute question relative à l'utilisation de ces données, contacter le service producteur à l'adresse indiquée dans la fiche de métadonnées.",
  'Le système de coordonnées de référence est le RGF93 / Lambert 93 (EPSG:2154) en métropole et le système légal local outre-mer.',
  "La donnée n'a pas de valeur réglementaire : seuls les documents papier annexés à l'arrêté font foi.",
  'Historique : création en {year}, intégration des procédures révisées lors des mises à jour successives.',
  "Cette série regroupe l'ensemble des millésimes disponibles ; chaque millésime est décrit par sa propre fiche.",
  'Les limites administratives utilisées sont celles de la BD ADMIN EXPRESS de l’IGN.',
  'Méthodologie : photo-interprétation, relevés de terrain ponctuels et exploitation des études hydrauliques disponibles.',
  'Les objets surfaciques ne se recouvrent pas ; la topologie a été contrôlée (absence de trous et de chevauchements).',
  'Données diffusées sur le géocatalogue national et moissonnées par data.gouv.fr.',
  'Mots-clés : risques, prévention, aménagement du territoire, urbanisme réglementaire.',
  'Le lot contient {count} objets géographiques répartis sur {communes} communes.',
  'Les champs « DATE_APPRO » et « DATE_MAJ » sont renseignés au format AAAAMMJJ ; les dates inconnues sont laissées vides.',
  "Une version simplifiée, destinée à l'affichage à petite échelle, est disponible via le service de visualisation WMS.",
];

export const FIRST_NAMES: readonly string[] = [
  'Marie',
  'Jean',
  'Claire',
  'Thomas',
  'Nathalie',
  'Olivier',
  'Sophie',
  'Karim',
  'Léa',
  'Hervé',
];
export const LAST_NAMES: readonly string[] = [
  'Martin',
  'Bernard',
  'Dubois',
  'Lefèvre',
  'Moreau',
  'Garcia',
  'Laurent',
  'Roux',
  'Fontaine',
  'Nguyen',
];

export const MAIL_DOMAINS: readonly string[] = [
  'developpement-durable.gouv.fr',
  'equipement-agriculture.gouv.fr',
  'example.gouv.fr',
  'cerema.fr',
];

export const MAIL_LOCALS: readonly string[] = [
  'ddt-sig',
  'ddt-sar',
  'ddtm-sidl',
  'dreal-sig',
  'geomatique',
  'contact-donnees',
  'sig.territoires',
  'prevention-risques',
  'pole-connaissance',
];

/** Removes accents and lower-cases, for slugs and e-mail local parts. */
export function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/g, 'oe')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
