// @ts-check
// Location contexts (点位类型), as inspector/categories/models.py LOCATION_CONTEXTS names them.
// TODO(issue 6): read them from the API once it lists them, instead of keeping this copy.

/** @type {Array<{code: string, name_zh: string, name_en: string}>} */
export const CONTEXTS = [
  { code: 'arterial_road', name_zh: '主次干道', name_en: 'Arterial road' },
  { code: 'commercial_street', name_zh: '商业大街', name_en: 'Commercial street' },
  { code: 'back_alley', name_zh: '背街小巷', name_en: 'Back alley' },
  { code: 'urban_village', name_zh: '城中村', name_en: 'Urban village' },
  { code: 'urban_fringe', name_zh: '城乡结合部', name_en: 'Urban-rural fringe' },
  { code: 'wet_market', name_zh: '农贸市场', name_en: 'Wet market' },
  { code: 'residential_compound', name_zh: '老旧小区/小区', name_en: 'Residential compound' },
  { code: 'square_park', name_zh: '公共广场/公园', name_en: 'Square or park' },
  { code: 'station', name_zh: '车站/交通枢纽', name_en: 'Station or transport hub' },
  { code: 'school_area', name_zh: '学校周边', name_en: 'School area' },
  { code: 'hospital_area', name_zh: '医院周边', name_en: 'Hospital area' },
  { code: 'construction_site', name_zh: '建筑工地', name_en: 'Construction site' },
  { code: 'railway_corridor', name_zh: '铁路沿线', name_en: 'Railway corridor' },
  { code: 'riverside', name_zh: '河道沿线', name_en: 'Riverside' },
  { code: 'public_toilet', name_zh: '公共厕所', name_en: 'Public toilet' },
  { code: 'waste_station', name_zh: '垃圾站', name_en: 'Waste station' },
];
