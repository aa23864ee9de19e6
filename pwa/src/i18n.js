// @ts-check
// UI language: Chinese by default, English when chosen or when the browser asks for English.

/** @typedef {'zh' | 'en'} Language */

const STORAGE_KEY = 'lang';

/** @type {Record<Language, string>} the value of <html lang> */
const HTML_LANG = { zh: 'zh-CN', en: 'en' };

const zh = {
  'app.name': '巡查督办',
  'app.tagline': '发现问题 · 及时上报 · 督办整改',
  'app.loading': '正在加载…',
  'lang.switch': '界面语言',
  'lang.zh': '中文',
  'lang.en': 'English',
  'login.title': '登录',
  'login.username': '用户名',
  'login.password': '密码',
  'login.remember': '记住我（在本机保持登录）',
  'login.submit': '登录',
  'login.sending': '正在登录…',
  'login.missing': '请输入用户名和密码。',
  'home.hello': '您好，{name}',
  'home.role': '角色',
  'home.unit': '单位',
  'home.no_unit': '未分配单位',
  'home.logout': '退出登录',
  'home.logging_out': '正在退出…',
  'categories.loading': '正在加载问题类别…',
  'role.inspector': '巡查员',
  'role.staff': '处置人员',
  'role.supervisor': '督查员',
  'role.admin': '管理员',
  'offline.title': '无法连接服务器',
  'offline.body': '请检查网络连接，然后重试。',
  'action.retry': '重试',
  'error.network': '无法连接服务器，请检查网络后重试。',
  'error.timeout': '服务器响应超时，请稍后重试。',
  'error.unknown': '出错了，请稍后重试。',
  'update.ready': '新版本已就绪。',
  'update.reload': '立即更新',
  'nav.back': '返回',
  'nav.offline': '离线',
  'login.pending': '有 {count} 条内容等待发送：登录后自动发送。',
  'home.actions': '主要操作',
  'home.new_report': '新上报',
  'home.my_reports': '我的上报',
  'home.inbox': '待办案件',
  'home.cases': '案件列表',
  'home.supervision': '督查',
  'home.sv_map': '问题地图',
  'home.sv_desk': '仲裁台',
  'home.sv_kpis': '指标',
  'home.sv_ranking': '红黑榜',
  'home.sv_unavailable': '督查页面无法加载，请检查网络后重试。',
  'photos.count': '照片 {count}/{max} 张',
  'photos.take': '拍照',
  'photos.gallery': '从相册选择',
  'photos.nth': '照片 {n}',
  'photos.remove': '删除照片 {n}',
  'photos.preparing': '正在处理照片…',
  'place.locating': '正在定位…',
  'place.device': '已定位，精度 ±{accuracy} 米（{lat}, {lon}）',
  'place.denied': '无法使用定位：未获授权。',
  'place.unavailable': '暂时无法定位。',
  'place.exif': '使用照片中的位置（{lat}, {lon}）。',
  'place.need': '请手动输入位置。',
  'place.manual': '手动选定的位置（在地图上移动图钉，或输入 WGS-84 经纬度）：',
  'place.enter': '手动输入位置',
  'place.use_device': '改用设备定位',
  'place.lat': '纬度',
  'place.lon': '经度',
  'place.invalid': '请输入有效的经纬度（纬度 -90 至 90，经度 -180 至 180）。',
  'capture.title': '新上报',
  'capture.photos': '现场照片',
  'capture.place': '位置',
  'capture.category': '问题类别',
  'capture.severity': '严重程度',
  'capture.context': '点位类型（可选）',
  'capture.context_none': '不选择',
  'capture.note': '补充说明（可选）',
  'capture.submit': '提交上报',
  'capture.need_photo': '请至少拍一张照片。',
  'capture.need_place': '还没有位置：请允许定位，或手动输入位置。',
  'capture.need_category': '请选择问题类别。',
  'capture.queued': '已保存到待发送，联网后自动上报。',
  'category.search': '搜索类别（中文、拼音首字母或英文）',
  'category.results': '搜索结果',
  'category.none': '没有找到匹配的类别。',
  'category.recent': '最近使用',
  'category.change': '更改',
  'severity.normal': '一般',
  'severity.serious': '较重',
  'severity.severe': '严重（紧急）',
  'nearby.title': '附近已有同类问题',
  'nearby.body': '如果是同一个问题，请把照片补充到已有案件，不要重复上报。',
  'nearby.distance': '约 {meters} 米',
  'nearby.add': '同一问题：补充我的照片',
  'nearby.queued': '照片已保存，将补充到案件 {number}。',
  'outbox.title': '待发送（{count}）',
  'outbox.empty': '没有待发送的内容。',
  'outbox.login_needed': '登录已过期：登录后发送 {count} 条待发送内容。',
  'outbox.login': '登录',
  'outbox.photos': '{count} 张照片',
  'outbox.progress': '上传进度',
  'outbox.retry': '重试',
  'outbox.delete': '删除',
  'outbox.confirm_delete': '删除后这条内容不会再发送。确定删除吗？',
  'outbox.kind.report': '上报',
  'outbox.kind.add_photos': '补充照片',
  'outbox.kind.accept': '签收',
  'outbox.kind.dispute': '申请回退',
  'outbox.kind.request_extension': '申请延期',
  'outbox.kind.rectify': '整改反馈',
  'outbox.state.queued': '等待发送',
  'outbox.state.offline': '离线，联网后发送',
  'outbox.state.sending': '正在发送…',
  'outbox.state.retrying': '稍后自动重试',
  'outbox.state.failed': '发送失败',
  'outbox.state.login': '等待登录',
  'outbox.state.other_user': '等待 {owner} 登录后发送',
  'cases.loading': '正在加载…',
  'cases.reload': '刷新',
  'cases.empty': '暂无案件。',
  'cases.stale': '无法连接服务器：显示的是上次加载的内容。',
  'cases.no_unit': '未派遣',
  'cases.deadline': '期限 {at}',
  'state.submitted': '已上报',
  'state.unrouted': '待确权',
  'state.dispatched': '待签收',
  'state.in_progress': '处置中',
  'state.disputed': '申请回退',
  'state.extension_requested': '申请延期',
  'state.rectified': '待核查',
  'state.closed': '已结案',
  'state.invalid': '作废',
  'light.green': '正常',
  'light.yellow': '临期',
  'light.red': '超期',
  'source.device': '设备定位',
  'source.exif': '照片位置',
  'source.manual': '手动输入',
  'photo_kind.report': '上报',
  'photo_kind.added': '补充',
  'photo_kind.rectification': '整改后',
  'photo_kind.verification': '核查',
  'case.title': '案件 {number}',
  'case.category': '类别',
  'case.unit': '处置单位',
  'case.deadline': '处置期限',
  'case.reported_at': '上报时间',
  'case.place': '位置',
  'case.routing': '派遣说明',
  'case.description': '说明',
  'case.photos': '照片',
  'case.photo_alt': '照片 {n}（{kind}）',
  'case.timeline': '处理记录',
  'staff.title': '处置',
  'staff.accept': '签收',
  'staff.dispute': '申请回退',
  'staff.extension': '申请延期',
  'staff.rectify': '整改完成',
  'staff.send': '提交',
  'staff.cancel': '取消',
  'event.submitted': '上报',
  'event.unrouted': '待确权',
  'event.dispatched': '派遣',
  'event.assign': '指派',
  'event.accept': '签收',
  'event.dispute': '申请回退',
  'event.dispute_upheld': '回退通过，改派',
  'event.dispute_rejected': '回退驳回',
  'event.request_extension': '申请延期',
  'event.extension_granted': '延期批准',
  'event.extension_refused': '延期驳回',
  'event.rectify': '整改完成',
  'event.verify_pass': '核查通过，结案',
  'event.verify_fail': '核查不通过，返工',
  'event.photo_added': '补充照片',
  'event.merged': '合并案件',
  'event.invalidate': '作废',
  'event.reopen': '重新打开',
  'event.overdue': '超期',
  'event.rerouted': '重新派遣计算',
  'staff.verify': '核查',
  'verify.title': '核查整改',
  'verify.result': '核查结果',
  'verify.pass': '通过（结案）',
  'verify.fail': '不通过（返工）',
  'verify.note': '核查说明（不通过时必填）',
  'verify.need_result': '请选择核查结果。',
  'verify.need_note': '不通过时请说明还有什么问题。',
  'outbox.kind.verify': '核查',
  'staff.queued': '已保存到待发送，联网后自动提交。',
  'staff.unit': '应由哪个单位处置',
  'staff.pick_unit': '请选择单位',
  'staff.units_loading': '正在加载单位…',
  'staff.unit_none': '都不是（交由指挥中心确权）',
  'staff.reason': '理由',
  'staff.note': '整改说明',
  'staff.deadline': '申请的新期限',
  'staff.need_unit': '请选择单位。',
  'staff.need_reason': '请填写理由。',
  'staff.need_deadline': '请选择一个晚于现在的新期限。',
  'staff.need_photo': '请拍摄整改后的照片。',
  'staff.need_place': '还没有定位：整改照片需要现场位置，请允许定位。',
  'login.pending_one': '有 {count} 条内容等待发送：登录后自动发送。',
  'outbox.login_needed_one': '登录已过期：登录后发送 {count} 条待发送内容。',
  'outbox.photos_one': '{count} 张照片',
  'home.verify': '待核查',
  'verify.list_title': '待核查',
  'verify.empty': '没有等待您核查的案件。',
  'verify.distance': '距您约 {meters}',
  'verify.sorted_near': '按距离排序，离您最近的在前。',
  'verify.sorted_plain': '尚未定位：定位后按距离排序。',
  'verify.queued_row': '核查已保存，等待发送',
  'verify.photos': '核查照片（可选）',
  'unit.m': '米',
  'unit.km': '公里',
  'map.label_capture': '地图：问题位置',
  'map.label_case': '地图：案件 {number} 的位置',
  'map.label_verify': '地图：待核查的案件',
  'map.zoom_in': '放大',
  'map.zoom_out': '缩小',
  'map.pin': '问题位置：拖动图钉或点按地图来移动',
  'map.no_tiles': '未加载底图：地图显示位置、案件和辖区边界。',
  'map.unavailable': '地图暂时无法显示。',
  'case.map': '地图',
  'staff.distance': '您距案件约 {meters} 米。',
  'staff.too_far': '您距案件约 {meters} 米：整改照片须在案件 {limit} 米范围内拍摄。',
};

/** @type {Record<keyof typeof zh, string>} */
const en = {
  'app.name': 'Inspector',
  'app.tagline': 'Find it · Report it · Get it fixed',
  'app.loading': 'Loading…',
  'lang.switch': 'Language',
  'lang.zh': '中文',
  'lang.en': 'English',
  'login.title': 'Log in',
  'login.username': 'User name',
  'login.password': 'Password',
  'login.remember': 'Remember me (stay logged in on this device)',
  'login.submit': 'Log in',
  'login.sending': 'Logging in…',
  'login.missing': 'Enter your user name and password.',
  'home.hello': 'Hello, {name}',
  'home.role': 'Role',
  'home.unit': 'Unit',
  'home.no_unit': 'No unit assigned',
  'home.logout': 'Log out',
  'home.logging_out': 'Logging out…',
  'categories.loading': 'Loading problem categories…',
  'role.inspector': 'Inspector',
  'role.staff': 'Unit staff',
  'role.supervisor': 'Supervisor',
  'role.admin': 'Administrator',
  'offline.title': 'Cannot reach the server',
  'offline.body': 'Check your network connection, then try again.',
  'action.retry': 'Try again',
  'error.network': 'Cannot reach the server; check your network and try again.',
  'error.timeout': 'The server took too long to answer; try again later.',
  'error.unknown': 'Something went wrong; try again later.',
  'update.ready': 'A new version is ready.',
  'update.reload': 'Update now',
  'nav.back': 'Back',
  'nav.offline': 'Offline',
  'login.pending': '{count} queued items are waiting: they are sent once you log in.',
  'login.pending_one': '1 queued item is waiting: it is sent once you log in.',
  'home.actions': 'Main actions',
  'home.new_report': 'New report',
  'home.my_reports': 'My reports',
  'home.inbox': 'Inbox',
  'home.cases': 'Cases',
  'home.supervision': 'Supervision',
  'home.sv_map': 'Problem map',
  'home.sv_desk': 'Arbitration desk',
  'home.sv_kpis': 'KPIs',
  'home.sv_ranking': 'Red/black list',
  'home.sv_unavailable': 'The supervision screens could not be loaded; check the network and try again.',
  'photos.count': 'Photos: {count} of {max}',
  'photos.take': 'Take a photo',
  'photos.gallery': 'Choose from gallery',
  'photos.nth': 'Photo {n}',
  'photos.remove': 'Remove photo {n}',
  'photos.preparing': 'Preparing the photos…',
  'place.locating': 'Finding your location…',
  'place.device': 'Located, accuracy ±{accuracy} m ({lat}, {lon})',
  'place.denied': 'Location is not allowed.',
  'place.unavailable': 'Location is not available right now.',
  'place.exif': "Using the photo's location ({lat}, {lon}).",
  'place.need': 'Enter the location by hand.',
  'place.manual': 'Location set by hand (move the pin on the map, or type WGS-84 latitude and longitude):',
  'place.enter': 'Enter location by hand',
  'place.use_device': 'Use device location',
  'place.lat': 'Latitude',
  'place.lon': 'Longitude',
  'place.invalid': 'Enter a valid latitude (-90 to 90) and longitude (-180 to 180).',
  'capture.title': 'New report',
  'capture.photos': 'Photos',
  'capture.place': 'Location',
  'capture.category': 'Problem category',
  'capture.severity': 'Severity',
  'capture.context': 'Place type (optional)',
  'capture.context_none': 'None',
  'capture.note': 'Note (optional)',
  'capture.submit': 'Submit report',
  'capture.need_photo': 'Take at least one photo.',
  'capture.need_place': 'No location yet: allow location access or enter it by hand.',
  'capture.need_category': 'Choose a problem category.',
  'capture.queued': 'Saved to the outbox: it is sent as soon as there is a connection.',
  'category.search': 'Search categories (Chinese, pinyin initials or English)',
  'category.results': 'Search results',
  'category.none': 'No category matches.',
  'category.recent': 'Recently used',
  'category.change': 'Change',
  'severity.normal': 'Normal',
  'severity.serious': 'Serious',
  'severity.severe': 'Severe (urgent)',
  'nearby.title': 'Open cases of this kind nearby',
  'nearby.body': 'If it is the same problem, add your photos to that case instead of reporting it again.',
  'nearby.distance': 'about {meters} m away',
  'nearby.add': 'Same problem: add my photos',
  'nearby.queued': 'Photos saved: they will be added to case {number}.',
  'outbox.title': 'Outbox ({count})',
  'outbox.empty': 'Nothing waiting to be sent.',
  'outbox.login_needed': 'Your session expired: log in to send {count} queued items.',
  'outbox.login_needed_one': 'Your session expired: log in to send 1 queued item.',
  'outbox.login': 'Log in',
  'outbox.photos': '{count} photos',
  'outbox.photos_one': '1 photo',
  'outbox.progress': 'Upload progress',
  'outbox.retry': 'Try again',
  'outbox.delete': 'Delete',
  'outbox.confirm_delete': 'A deleted item is never sent. Delete it?',
  'outbox.kind.report': 'Report',
  'outbox.kind.add_photos': 'Added photos',
  'outbox.kind.accept': 'Accept',
  'outbox.kind.dispute': 'Dispute',
  'outbox.kind.request_extension': 'Extension request',
  'outbox.kind.rectify': 'Rectification',
  'outbox.state.queued': 'Waiting to be sent',
  'outbox.state.offline': 'Offline: sent when back online',
  'outbox.state.sending': 'Sending…',
  'outbox.state.retrying': 'Will try again shortly',
  'outbox.state.failed': 'Not sent',
  'outbox.state.login': 'Waiting for login',
  'outbox.state.other_user': 'Waiting for {owner} to log in',
  'cases.loading': 'Loading…',
  'cases.reload': 'Refresh',
  'cases.empty': 'No cases.',
  'cases.stale': 'Cannot reach the server: showing what was loaded last time.',
  'cases.no_unit': 'Not dispatched',
  'cases.deadline': 'Due {at}',
  'state.submitted': 'Submitted',
  'state.unrouted': 'Awaiting assignment',
  'state.dispatched': 'Dispatched',
  'state.in_progress': 'In progress',
  'state.disputed': 'Disputed',
  'state.extension_requested': 'Extension requested',
  'state.rectified': 'Awaiting check',
  'state.closed': 'Closed',
  'state.invalid': 'Invalid',
  'light.green': 'On time',
  'light.yellow': 'Due soon',
  'light.red': 'Overdue',
  'source.device': 'device',
  'source.exif': 'photo',
  'source.manual': 'entered by hand',
  'photo_kind.report': 'report',
  'photo_kind.added': 'added',
  'photo_kind.rectification': 'after',
  'photo_kind.verification': 'check',
  'case.title': 'Case {number}',
  'case.category': 'Category',
  'case.unit': 'Unit',
  'case.deadline': 'Deadline',
  'case.reported_at': 'Reported',
  'case.place': 'Location',
  'case.routing': 'Routing',
  'case.description': 'Note',
  'case.photos': 'Photos',
  'case.photo_alt': 'Photo {n} ({kind})',
  'case.timeline': 'History',
  'staff.title': 'Handle this case',
  'staff.accept': 'Accept',
  'staff.dispute': 'Not ours: dispute',
  'staff.extension': 'Request more time',
  'staff.rectify': 'Fixed: send after-photos',
  'staff.send': 'Send',
  'staff.cancel': 'Cancel',
  'event.submitted': 'Reported',
  'event.unrouted': 'Awaiting assignment',
  'event.dispatched': 'Dispatched',
  'event.assign': 'Assigned',
  'event.accept': 'Accepted',
  'event.dispute': 'Disputed',
  'event.dispute_upheld': 'Dispute upheld, reassigned',
  'event.dispute_rejected': 'Dispute rejected',
  'event.request_extension': 'Extension requested',
  'event.extension_granted': 'Extension granted',
  'event.extension_refused': 'Extension refused',
  'event.rectify': 'Rectified',
  'event.verify_pass': 'Checked: closed',
  'event.verify_fail': 'Checked: rework',
  'event.photo_added': 'Photos added',
  'event.merged': 'Case merged',
  'event.invalidate': 'Invalidated',
  'event.reopen': 'Reopened',
  'event.overdue': 'Overdue',
  'event.rerouted': 'Routing recomputed',
  'staff.verify': 'Check the fix',
  'verify.title': 'Check the fix',
  'verify.result': 'Result',
  'verify.pass': 'Fixed (close the case)',
  'verify.fail': 'Not fixed (rework)',
  'verify.note': 'Note (required when not fixed)',
  'verify.need_result': 'Choose a result.',
  'verify.need_note': 'Say what is still wrong.',
  'outbox.kind.verify': 'Check',
  'staff.queued': 'Saved to the outbox: it is sent as soon as there is a connection.',
  'staff.unit': 'Which unit should handle it',
  'staff.pick_unit': 'Choose a unit',
  'staff.units_loading': 'Loading units…',
  'staff.unit_none': 'None of these (the command centre decides)',
  'staff.reason': 'Reason',
  'staff.note': 'What was done',
  'staff.deadline': 'New deadline requested',
  'staff.need_unit': 'Choose a unit.',
  'staff.need_reason': 'Give a reason.',
  'staff.need_deadline': 'Choose a new deadline in the future.',
  'staff.need_photo': 'Take the after-photos.',
  'staff.need_place': 'No location yet: after-photos need the place; allow location access.',
  'home.verify': 'To verify',
  'verify.list_title': 'To verify',
  'verify.empty': 'No fixed cases are waiting for your check.',
  'verify.distance': 'about {meters} from you',
  'verify.sorted_near': 'Nearest first.',
  'verify.sorted_plain': 'No location yet: sorted by distance once the phone knows where it is.',
  'verify.queued_row': 'Check saved, waiting to be sent',
  'verify.photos': 'Photos of the check (optional)',
  'unit.m': 'm',
  'unit.km': 'km',
  'map.label_capture': 'Map: where the problem is',
  'map.label_case': 'Map: where case {number} is',
  'map.label_verify': 'Map: cases to verify',
  'map.zoom_in': 'Zoom in',
  'map.zoom_out': 'Zoom out',
  'map.pin': 'Problem location: drag the pin or tap the map to move it',
  'map.no_tiles': 'No base map: the map shows positions, cases and boundaries.',
  'map.unavailable': 'The map cannot be shown right now.',
  'case.map': 'Map',
  'staff.distance': 'You are about {meters} m from the case.',
  'staff.too_far': 'You are about {meters} m from the case: after-photos must be taken within {limit} m of it.',
};

/** @typedef {keyof typeof zh} MessageKey */

/** @type {Record<Language, Record<MessageKey, string>>} */
const DICTIONARIES = { zh, en };

/** @type {Language} */
let current = 'zh';

/** @type {Set<(language: Language) => void>} */
const listeners = new Set();

/** @returns {Language} */
export function getLanguage() {
  return current;
}

/**
 * The saved choice, else English for a browser set to English, else Chinese.
 * @returns {Language}
 */
function preferredLanguage() {
  const saved = readSaved();
  if (saved === 'zh' || saved === 'en') {
    return saved;
  }
  return navigator.language.toLowerCase().startsWith('en') ? 'en' : 'zh';
}

/** Apply the preferred language without saving it: the user has not chosen yet. */
export function initLanguage() {
  apply(preferredLanguage());
}

/**
 * The user's choice: saved, applied, and announced so that the screen is drawn again.
 * @param {Language} language
 */
export function setLanguage(language) {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Private mode or storage full: the choice lasts for this page only.
  }
  // The server picks the language of its own pages and messages from this cookie too.
  document.cookie = `lang=${language}; path=/; max-age=31536000; samesite=lax`;
  apply(language);
  listeners.forEach((listener) => listener(language));
}

/** @param {(language: Language) => void} listener */
export function onLanguageChange(listener) {
  listeners.add(listener);
}

/**
 * The message for `key` in the current language, with `{name}` placeholders filled in.
 * A `count` of 1 picks the `<key>_one` message where there is one (English singular).
 * @param {MessageKey} key
 * @param {Record<string, string | number>} [params]
 * @returns {string}
 */
export function t(key, params = {}) {
  const dictionary = DICTIONARIES[current];
  const singular = /** @type {MessageKey} */ (`${key}_one`);
  const chosen = params.count === 1 && singular in dictionary ? singular : key;
  const message = dictionary[chosen] ?? zh[chosen] ?? key;
  return message.replace(/\{(\w+)\}/g, (whole, name) =>
    name in params ? String(params[name]) : whole,
  );
}

/**
 * Whether there is a message for a key built at run time (e.g. from a server's action name).
 * @param {string} key
 * @returns {key is MessageKey}
 */
export function hasMessage(key) {
  return key in zh;
}

/**
 * The name of a code from the server (a state, a traffic light, an event ...) in the UI
 * language: `named('state', 'closed')` is `t('state.closed')`; an unknown code shows as it is.
 * @param {string} prefix
 * @param {string} code
 */
export function named(prefix, code) {
  const key = `${prefix}.${code}`;
  return hasMessage(key) ? t(key) : code;
}

/**
 * The name of a server record (category, unit ...) in the current language, Chinese as fallback.
 * @param {{name_zh: string, name_en?: string | null}} record
 */
export function localName(record) {
  return (current === 'en' && record.name_en) || record.name_zh;
}

/**
 * "2026/11/26 09:30" in the current language; an empty string for a missing date.
 * @param {string | null | undefined} iso
 */
export function formatDateTime(iso) {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : new Intl.DateTimeFormat(HTML_LANG[current], { dateStyle: 'short', timeStyle: 'short' })
      .format(date);
}

/** @param {Language} language */
function apply(language) {
  current = language;
  document.documentElement.lang = HTML_LANG[language];
  document.title = t('app.name');
}

function readSaved() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
